package dev.kvx.scheduler.framework;

/**
 * Updates a PreFilter plugin's precomputed state as if a pod were added to or removed from a node
 * (upstream {@code PreFilterExtensions}); preemption calls these on a copy of the cycle state while
 * it tries evicting pods, and the filter then sees the simulated node.
 */
public interface PreFilterExtensions {

  Status addPod(CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo);

  Status removePod(CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo);
}
