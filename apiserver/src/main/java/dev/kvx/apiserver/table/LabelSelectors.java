package dev.kvx.apiserver.table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Label maps and selectors written as apimachinery's {@code labels} package writes them. */
final class LabelSelectors {

  private LabelSelectors() {}

  /** {@code labels.FormatLabels}: {@code a=1,b=2} sorted by key, {@code <none>} when empty. */
  static String formatLabels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /**
   * {@code LabelSelectorAsSelector(s).String()}: requirements sorted by key, {@code k=v}, {@code k
   * in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}; empty for a missing or empty selector,
   * {@code <invalid>} for an unknown operator.
   */
  static String selectorString(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return "";
    }
    List<String[]> requirements = new ArrayList<>(); // {key, text}
    Obj.map(selector, "matchLabels").forEach((k, v) -> requirements.add(new String[] {k, k + "=" + v}));
    for (JsonNode e : Obj.list(selector, "matchExpressions")) {
      String key = Obj.str(e, "key");
      List<String> values = new ArrayList<>();
      Obj.list(e, "values").forEach(v -> values.add(v.asString()));
      values.sort(null);
      String text;
      switch (Obj.str(e, "operator")) {
        case "In" -> text = key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> text = key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> text = key;
        case "DoesNotExist" -> text = "!" + key;
        default -> {
          return "<invalid>";
        }
      }
      requirements.add(new String[] {key, text});
    }
    requirements.sort(Comparator.comparing((String[] r) -> r[0]));
    List<String> texts = new ArrayList<>();
    requirements.forEach(r -> texts.add(r[1]));
    return String.join(",", texts);
  }

  /** {@code metav1.FormatLabelSelector}: the selector string, {@code <none>} when it is empty. */
  static String formatLabelSelector(JsonNode selector) {
    String s = selectorString(selector);
    return s.isEmpty() ? "<none>" : s;
  }
}
