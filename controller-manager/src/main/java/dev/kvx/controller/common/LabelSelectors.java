package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Label-selector matching as apimachinery's {@code metav1.LabelSelectorAsSelector}: a null selector
 * matches nothing, an empty one everything; requirements are ANDed.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether {@code selector} selects an object carrying {@code labels}. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    Map<String, String> matchLabels = selector.getMatchLabels();
    if (matchLabels != null) {
      for (Map.Entry<String, String> e : matchLabels.entrySet()) {
        if (!e.getValue().equals(l.get(e.getKey()))) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement r : expressions) {
        if (!matches(r, l)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether {@code selector} has no requirement (it selects everything). */
  public static boolean isEmpty(LabelSelector selector) {
    return selector != null
        && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
        && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
  }

  /**
   * A Service-style selector (a plain map): null or empty selects nothing, as the endpoints
   * controllers treat services without a selector.
   */
  public static boolean matchesMap(Map<String, String> selector, Map<String, String> labels) {
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    return selector.entrySet().stream().allMatch(e -> e.getValue().equals(l.get(e.getKey())));
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      default -> false; // an invalid operator selects nothing, as a selector that fails to parse
    };
  }
}
