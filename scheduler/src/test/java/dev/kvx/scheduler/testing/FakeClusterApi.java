package dev.kvx.scheduler.testing;

import dev.kvx.scheduler.framework.ClusterApi;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Records the scheduler's API writes; binds succeed unless {@link #failBinds} says otherwise. */
public final class FakeClusterApi implements ClusterApi {
  public record Bind(String pod, String node) {}

  public record StatusUpdate(String pod, PodCondition condition, String nominatedNodeName) {}

  public record Preemption(String victim, String preemptor, String node) {}

  public record Event(String pod, String type, String reason, String message) {}

  public final List<Bind> binds = new CopyOnWriteArrayList<>();
  public final List<StatusUpdate> statusUpdates = new CopyOnWriteArrayList<>();
  public final List<Preemption> preemptions = new CopyOnWriteArrayList<>();
  public final List<Event> events = new CopyOnWriteArrayList<>();
  private volatile Function<String, RuntimeException> failBinds = pod -> null;
  private volatile CompletableFuture<Void> bindGate = CompletableFuture.completedFuture(null);

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** Binds of pods for which {@code failure} returns an exception fail with it. */
  public void failBinds(Function<String, RuntimeException> failure) {
    this.failBinds = failure;
  }

  /** Binds complete only once {@code gate} completes (to observe assumed pods). */
  public void holdBinds(CompletableFuture<Void> gate) {
    this.bindGate = gate;
  }

  @Override
  public CompletableFuture<Void> bind(Pod pod, String nodeName) {
    RuntimeException e = failBinds.apply(key(pod));
    return bindGate.thenCompose(
        v -> {
          if (e != null) {
            return CompletableFuture.failedFuture(e);
          }
          binds.add(new Bind(key(pod), nodeName));
          return CompletableFuture.completedFuture(null);
        });
  }

  @Override
  public CompletableFuture<Void> updatePodStatus(
      Pod pod, PodCondition condition, String nominatedNodeName) {
    statusUpdates.add(new StatusUpdate(key(pod), condition, nominatedNodeName));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> preempt(Pod victim, Pod preemptor, String nodeName) {
    preemptions.add(new Preemption(key(victim), key(preemptor), nodeName));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void recordEvent(Pod pod, String type, String reason, String action, String message) {
    events.add(new Event(key(pod), type, reason, message));
  }
}
