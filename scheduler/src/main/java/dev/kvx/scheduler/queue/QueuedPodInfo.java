package dev.kvx.scheduler.queue;

import dev.kvx.scheduler.framework.PodInfo;
import java.time.Instant;
import java.util.Set;

/**
 * A pod in the scheduling queue with its queueing history (upstream {@code QueuedPodInfo}): when it
 * was last queued (the activeQ's tie-break and the start of its backoff), its first attempt (for
 * the scheduling SLI), how many times it was tried, and which plugins rejected it last (which
 * decides the cluster events that move it back).
 *
 * <p>Mutated only by the queue under its lock, and by the scheduling thread while it owns the pod
 * (between pop and requeue).
 */
public final class QueuedPodInfo {
  volatile PodInfo podInfo;
  Instant timestamp;
  Instant initialAttemptTimestamp;
  int attempts;
  Set<String> unschedulablePlugins = Set.of();
  // Set while in the backoff queue: its position there.
  Instant backoffExpiry;
  // A PreEnqueue plugin's rejection while gated, e.g. "waiting for scheduling gates: [a]".
  String gatingMessage;

  QueuedPodInfo(PodInfo podInfo, Instant now) {
    this.podInfo = podInfo;
    this.timestamp = now;
  }

  public PodInfo podInfo() {
    return podInfo;
  }

  /** When the pod was last added to the queue. */
  public Instant timestamp() {
    return timestamp;
  }

  /** When the pod was first popped for scheduling (null before). */
  public Instant initialAttemptTimestamp() {
    return initialAttemptTimestamp;
  }

  /** How many times the pod was popped for scheduling. */
  public int attempts() {
    return attempts;
  }

  public Set<String> unschedulablePlugins() {
    return unschedulablePlugins;
  }

  /** Records the plugins that rejected the pod in this attempt (empty: it failed with an error). */
  public void setUnschedulablePlugins(Set<String> plugins) {
    this.unschedulablePlugins = Set.copyOf(plugins);
  }

  /** Replaces the pod by a newer version of it (after re-reading it from the informer). */
  public void updatePod(PodInfo newer) {
    this.podInfo = newer;
  }

  String uid() {
    return podInfo.uid();
  }

  @Override
  public String toString() {
    return podInfo.key() + "(attempts=" + attempts + ")";
  }
}
