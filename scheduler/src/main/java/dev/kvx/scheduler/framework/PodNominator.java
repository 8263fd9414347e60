package dev.kvx.scheduler.framework;

import java.util.List;

/**
 * The pods nominated to nodes by preemption (upstream {@code PodNominator}), so that other pods do
 * not take the room a preemptor is waiting for. Thread-safe.
 */
public interface PodNominator {

  /** Pods nominated to {@code nodeName} (a snapshot). */
  List<PodInfo> nominatedPodsForNode(String nodeName);

  /** Nominates {@code pod} to {@code nodeName}, replacing an earlier nomination. */
  void addNominatedPod(PodInfo pod, String nodeName);

  /** Drops {@code pod}'s nomination, if any. */
  void deleteNominatedPodIfExists(PodInfo pod);

  /** A nominator that never has nominated pods. */
  static PodNominator none() {
    return new PodNominator() {
      @Override
      public List<PodInfo> nominatedPodsForNode(String nodeName) {
        return List.of();
      }

      @Override
      public void addNominatedPod(PodInfo pod, String nodeName) {}

      @Override
      public void deleteNominatedPodIfExists(PodInfo pod) {}
    };
  }
}
