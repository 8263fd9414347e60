package dev.kvx.scheduler.framework;

/**
 * Decides whether the pod can run on one node. Called for many nodes per cycle (possibly in
 * parallel): must be fast, must not change the node info, and must read per-cycle data only from
 * the {@link CycleState}. Returns success, Unschedulable (preemption may help) or
 * UnschedulableAndUnresolvable with user-facing reasons.
 */
public interface FilterPlugin extends Plugin {

  Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo);
}
