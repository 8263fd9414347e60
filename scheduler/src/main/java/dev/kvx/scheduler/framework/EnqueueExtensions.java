package dev.kvx.scheduler.framework;

import java.util.List;

/**
 * Implemented by plugins that reject pods: the cluster events that may make a pod they rejected
 * schedulable (upstream {@code EnqueueExtensions.EventsToRegister}). A rejecting plugin without it
 * makes its pods move on every event.
 */
public interface EnqueueExtensions {

  List<ClusterEvent> eventsToRegister();
}
