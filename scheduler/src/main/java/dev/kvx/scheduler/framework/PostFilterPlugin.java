package dev.kvx.scheduler.framework;

/**
 * Runs when no node passed the filters, to make the pod schedulable later (DefaultPreemption). The
 * result may nominate a node; its status message is appended to the pod's failure message.
 */
public interface PostFilterPlugin extends Plugin {

  PostFilterResult postFilter(CycleState state, PodInfo pod, NodeToStatus filteredNodeStatus);
}
