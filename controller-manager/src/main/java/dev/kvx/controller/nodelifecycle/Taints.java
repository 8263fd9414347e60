package dev.kvx.controller.nodelifecycle;

import dev.kvx.controller.common.Tolerations;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/** How long tolerations let a pod stay on NoExecute-tainted nodes (the taint manager's rule). Pure. */
final class Taints {
  private Taints() {}

  /**
   * How long a pod with {@code tolerations} may stay on a node with {@code noExecute} taints
   * (upstream's {@code getMinTolerationTime}): -1 forever, 0 none (evict now), else seconds.
   */
  static long minTolerationSeconds(List<Toleration> tolerations, List<Taint> noExecute) {
    long min = -1;
    for (Taint taint : noExecute) {
      Toleration best = null;
      for (Toleration t : tolerations == null ? List.<Toleration>of() : tolerations) {
        if (Tolerations.tolerates(t, taint)) {
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
}
