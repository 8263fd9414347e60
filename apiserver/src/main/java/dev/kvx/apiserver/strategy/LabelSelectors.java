package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** metav1.LabelSelector: upstream's validation and matching of the structured form. */
final class LabelSelectors {

  private LabelSelectors() {}

  /** Whether a selector selects everything (no labels, no expressions). */
  static boolean isEmpty(JsonNode selector) {
    return Nodes.stringMap(selector, "matchLabels").isEmpty() && Nodes.size(selector, "matchExpressions") == 0;
  }

  /** {@code ValidateLabelSelector}. */
  static List<Cause> validate(JsonNode selector, FieldPath path) {
    List<Cause> out = new ArrayList<>();
    if (selector == null || !selector.isObject()) {
      return out;
    }
    out.addAll(MetaValidation.labels(selector.get("matchLabels"), path.child("matchLabels")));
    List<JsonNode> exprs = new ArrayList<>();
    JsonNode e = selector.get("matchExpressions");
    if (e != null && e.isArray()) {
      e.forEach(exprs::add);
    }
    for (int i = 0; i < exprs.size(); i++) {
      JsonNode r = exprs.get(i);
      FieldPath p = path.child("matchExpressions").index(i);
      String op = Nodes.text(r, "operator");
      int values = Nodes.size(r, "values");
      switch (op) {
        case "In", "NotIn" -> {
          if (values == 0) {
            out.add(FieldErrors.required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (values > 0) {
            out.add(FieldErrors.forbidden(p.child("values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          }
        }
        default -> out.add(FieldErrors.invalid(p.child("operator"), op, "not a valid selector operator"));
      }
      String key = Nodes.text(r, "key");
      for (String m : NameRules.qualifiedName(key)) {
        out.add(FieldErrors.invalid(p.child("key"), key, m));
      }
      JsonNode vs = r.get("values");
      if (vs != null && vs.isArray()) {
        for (int j = 0; j < vs.size(); j++) {
          for (String m : NameRules.labelValue(vs.get(j).asString())) {
            out.add(FieldErrors.invalid(p.child("values").index(j), vs.get(j).asString(), m));
          }
        }
      }
    }
    return out;
  }

  /** Whether {@code labels} satisfy the selector; a null selector matches nothing, as upstream. */
  static boolean matches(JsonNode selector, Map<String, String> labels) {
    if (selector == null || !selector.isObject()) {
      return false;
    }
    for (Map.Entry<String, String> e : Nodes.stringMap(selector, "matchLabels").entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    JsonNode exprs = selector.get("matchExpressions");
    if (exprs != null && exprs.isArray()) {
      for (JsonNode r : exprs) {
        String key = Nodes.text(r, "key");
        Set<String> values = new HashSet<>();
        r.path("values").forEach(v -> values.add(v.asString()));
        String v = labels.get(key);
        boolean ok = switch (Nodes.text(r, "operator")) {
          case "In" -> v != null && values.contains(v);
          case "NotIn" -> v == null || !values.contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> false;
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
