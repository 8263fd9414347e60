package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a controller picks pods to delete when scaling down, as upstream's {@code
 * ActivePodsWithRanks}: the first pods of the order go first.
 *
 * <ol>
 *   <li>unscheduled before scheduled;
 *   <li>Pending before Unknown before Running;
 *   <li>not ready before ready;
 *   <li>higher rank first (the rank of a pod is the number of related pods on its node, so pods
 *       doubled up on a node go first);
 *   <li>ready for less time before ready for longer;
 *   <li>more container restarts before fewer;
 *   <li>newer (later creationTimestamp) before older.
 * </ol>
 */
public final class ActivePods {
  private ActivePods() {}

  /** The order for {@code pods}, with ranks computed from the related pods' nodes. */
  public static Comparator<Pod> deletionOrder(List<Pod> pods, List<Pod> related) {
    Map<String, Integer> perNode = new HashMap<>();
    for (Pod p : related) {
      if (Pods.isActive(p) && Pods.isScheduled(p)) {
        perNode.merge(p.getSpec().getNodeName(), 1, Integer::sum);
      }
    }
    Map<Pod, Integer> rank = new HashMap<>();
    for (Pod p : pods) {
      rank.put(p, Pods.isScheduled(p) ? perNode.getOrDefault(p.getSpec().getNodeName(), 0) : 0);
    }
    return Comparator.comparing((Pod p) -> Pods.isScheduled(p))
        .thenComparingInt(p -> phaseOrder(Pods.phase(p)))
        .thenComparing(Pods::isReady)
        .thenComparingInt(p -> -rank.getOrDefault(p, 0))
        .thenComparingLong(ActivePods::readySinceNewerFirst)
        .thenComparingInt(p -> -Pods.restarts(p))
        .thenComparingLong(ActivePods::createdNewerFirst);
  }

  private static int phaseOrder(String phase) {
    return switch (phase) {
      case "Pending" -> 0;
      case "Unknown" -> 1;
      case "Running" -> 2;
      default -> 3;
    };
  }

  // Among ready pods, the one ready for less time goes first; unknown times compare equal.
  private static long readySinceNewerFirst(Pod p) {
    Instant since = Pods.isReady(p) ? Pods.readySince(p) : null;
    return since == null ? 0 : -since.getEpochSecond();
  }

  private static long createdNewerFirst(Pod p) {
    Instant created = Times.parse(p.getMetadata().getCreationTimestamp());
    return created == null ? 0 : -created.toEpochMilli();
  }
}
