package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled label selector (apimachinery's {@code labels.Selector}): matchLabels and
 * matchExpressions (In, NotIn, Exists, DoesNotExist), all of which must hold.
 *
 * <p>As {@code metav1.LabelSelectorAsSelector}: a null selector matches nothing, an empty one
 * everything. An unknown operator makes the selector match nothing. Immutable.
 */
public final class Selector {
  private static final Selector NOTHING = new Selector(List.of(), true);
  private static final Selector EVERYTHING = new Selector(List.of(), false);

  private final List<Requirement> requirements;
  private final boolean nothing;

  private Selector(List<Requirement> requirements, boolean nothing) {
    this.requirements = requirements;
    this.nothing = nothing;
  }

  public static Selector nothing() {
    return NOTHING;
  }

  public static Selector everything() {
    return EVERYTHING;
  }

  /** The selector of a {@code LabelSelector} field. */
  public static Selector of(LabelSelector selector) {
    if (selector == null) {
      return NOTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    if (selector.getMatchLabels() != null) {
      selector.getMatchLabels().forEach((k, v) -> reqs.add(new Requirement(k, "In", Set.of(v))));
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        if (!isKnownOperator(r.getOperator())) {
          return NOTHING;
        }
        Set<String> values = r.getValues() == null ? Set.of() : Set.copyOf(r.getValues());
        reqs.add(new Requirement(r.getKey(), r.getOperator(), values));
      }
    }
    return reqs.isEmpty() ? EVERYTHING : new Selector(List.copyOf(reqs), false);
  }

  /** A selector requiring every {@code key=value} of {@code labels} (a pod's nodeSelector). */
  public static Selector ofLabels(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    labels.forEach((k, v) -> reqs.add(new Requirement(k, "In", Set.of(v))));
    return new Selector(List.copyOf(reqs), false);
  }

  /** This selector with one more requirement (matchLabelKeys / mismatchLabelKeys merging). */
  public Selector and(String key, String operator, Set<String> values) {
    if (nothing) {
      return this;
    }
    List<Requirement> reqs = new ArrayList<>(requirements);
    reqs.add(new Requirement(key, operator, Set.copyOf(values)));
    return new Selector(List.copyOf(reqs), false);
  }

  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code {key, value}} if this selector is exactly one {@code key=value} requirement (the common
   * {@code matchLabels: {app: x}}), else null: such selectors can be answered from a label index.
   */
  public String[] singleEquality() {
    if (nothing || requirements.size() != 1) {
      return null;
    }
    Requirement r = requirements.get(0);
    if (!"In".equals(r.operator()) || r.values().size() != 1) {
      return null;
    }
    return new String[] {r.key(), r.values().iterator().next()};
  }

  public boolean matchesNothing() {
    return nothing;
  }

  public boolean isEverything() {
    return !nothing && requirements.isEmpty();
  }

  private static boolean isKnownOperator(String op) {
    return "In".equals(op)
        || "NotIn".equals(op)
        || "Exists".equals(op)
        || "DoesNotExist".equals(op);
  }

  @Override
  public String toString() {
    return nothing ? "<nothing>" : requirements.toString();
  }

  private record Requirement(String key, String operator, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case "In" -> v != null && values.contains(v);
        case "NotIn" -> v == null || !values.contains(v);
        case "Exists" -> labels.containsKey(key);
        case "DoesNotExist" -> !labels.containsKey(key);
        default -> false;
      };
    }
  }
}
