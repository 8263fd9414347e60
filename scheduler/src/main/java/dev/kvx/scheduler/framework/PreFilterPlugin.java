package dev.kvx.scheduler.framework;

import java.util.List;

/**
 * Runs once per cycle before the filters: checks the pod and precomputes what {@link
 * FilterPlugin#filter} needs into the {@link CycleState}. Returning {@link Status#skip()} skips
 * this plugin's filter for the cycle; a rejection makes every node fail with that status.
 */
public interface PreFilterPlugin extends Plugin {

  /**
   * @param nodes every node of the snapshot
   */
  Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes);

  /** The add/remove hooks preemption uses to update the precomputed state, or null. */
  default PreFilterExtensions preFilterExtensions() {
    return null;
  }
}
