package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.concurrent.CompletableFuture;

/**
 * The API writes the scheduler makes (upstream: the clientset behind {@code Handle.ClientSet()} and
 * the event recorder). Every call is asynchronous and returns at once; futures complete on an I/O
 * thread, so continuations must be short or move to another executor.
 */
public interface ClusterApi {

  /** Binds {@code pod} to {@code nodeName} ({@code POST pods/NAME/binding}). */
  CompletableFuture<Void> bind(Pod pod, String nodeName);

  /**
   * Sets the pod's {@code PodScheduled} condition and {@code status.nominatedNodeName} ({@code
   * PATCH pods/NAME/status}); a null {@code nominatedNodeName} leaves it unchanged, an empty one
   * clears it.
   */
  CompletableFuture<Void> updatePodStatus(
      Pod pod, PodCondition condition, String nominatedNodeName);

  /**
   * Evicts a preemption victim as upstream does: a {@code DisruptionTarget} condition with reason
   * {@code PreemptionByScheduler}, a {@code Preempted} event, then a delete.
   */
  CompletableFuture<Void> preempt(Pod victim, Pod preemptor, String nodeName);

  /** Records a core/v1 Event about {@code pod} from {@code default-scheduler}; never fails. */
  void recordEvent(Pod pod, String type, String reason, String action, String message);
}
