package dev.kvx.scheduler.framework;

/**
 * Told when a pod is assumed on a node (reserve) and when that is undone because a later step
 * failed (unreserve). Unreserve must be idempotent and must not fail.
 */
public interface ReservePlugin extends Plugin {

  Status reserve(CycleState state, PodInfo pod, String nodeName);

  void unreserve(CycleState state, PodInfo pod, String nodeName);
}
