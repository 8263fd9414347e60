package dev.kvx.controller.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;

/** Taint and toleration matching, as upstream's {@code v1helper.TolerationsTolerateTaint}. Pure. */
final class Taints {
  private Taints() {}

  static boolean tolerates(Toleration t, Taint taint) {
    if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
      return false;
    }
    String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
    return switch (op) {
      case "Exists" -> true;
      case "Equal" -> (t.getKey() != null && !t.getKey().isEmpty()) && Objects.equals(emptyToNull(t.getValue()), emptyToNull(taint.getValue()));
      default -> false;
    };
  }

  /**
   * How long a pod with {@code tolerations} may stay on a node with {@code noExecute} taints
   * (upstream's {@code getMinTolerationTime}): -1 forever, 0 none (evict now), else seconds.
   */
  static long minTolerationSeconds(List<Toleration> tolerations, List<Taint> noExecute) {
    long min = -1;
    for (Taint taint : noExecute) {
      Toleration best = null;
      for (Toleration t : tolerations == null ? List.<Toleration>of() : tolerations) {
        if (tolerates(t, taint)) {
          if (t.getTolerationSeconds() == null) {
            best = t;
            break; // tolerated forever
          }
          if (best == null || (best.getTolerationSeconds() != null && t.getTolerationSeconds() < best.getTolerationSeconds())) {
            best = t;
          }
        }
      }
      if (best == null) {
        return 0;
      }
      if (best.getTolerationSeconds() != null) {
        long s = Math.max(0, best.getTolerationSeconds());
        min = min < 0 ? s : Math.min(min, s);
      }
    }
    return min;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
