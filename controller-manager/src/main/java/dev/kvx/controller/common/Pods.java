package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Pod predicates shared by the workload controllers (upstream's podutil and controller_utils). */
public final class Pods {
  private Pods() {}

  public static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  /** Not terminated and not being deleted ({@code controller.IsPodActive}). */
  public static boolean isActive(Pod pod) {
    String phase = phase(pod);
    return !"Succeeded".equals(phase)
        && !"Failed".equals(phase)
        && pod.getMetadata().getDeletionTimestamp() == null;
  }

  public static boolean isTerminated(Pod pod) {
    String phase = phase(pod);
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  public static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The Ready condition is True. */
  public static boolean isReady(Pod pod) {
    return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * Ready for at least {@code minReadySeconds} at {@code now} ({@code podutil.IsPodAvailable}).
   */
  public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    Instant since = readySince(pod);
    return since != null && !since.plus(Duration.ofSeconds(minReadySeconds)).isAfter(now);
  }

  /** When the Ready condition last turned True, if known. */
  public static Instant readySince(Pod pod) {
    return condition(pod, "Ready")
        .map(PodCondition::getLastTransitionTime)
        .map(Times::parse)
        .orElse(null);
  }

  public static boolean isScheduled(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getNodeName() != null
        && !pod.getSpec().getNodeName().isEmpty();
  }

  public static int restarts(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount())
        .sum();
  }
}
