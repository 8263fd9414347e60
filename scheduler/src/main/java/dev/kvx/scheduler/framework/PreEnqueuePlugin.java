package dev.kvx.scheduler.framework;

/**
 * Decides whether a pod may enter the active queue at all (e.g. SchedulingGates). Called when a pod
 * is added or updated; must be cheap. Returning non-success parks the pod as gated.
 */
public interface PreEnqueuePlugin extends Plugin {

  Status preEnqueue(PodInfo pod);
}
