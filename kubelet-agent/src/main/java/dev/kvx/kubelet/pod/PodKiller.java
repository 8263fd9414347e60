package dev.kvx.kubelet.pod;

import dev.kvx.kubelet.events.EventRecorder;
import dev.kvx.kubelet.prober.HandlerRunner;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Graceful termination as the kubelet's killContainer/killPod: per container a {@code Killing}
 * event, the preStop hook (bounded by the grace period), then SIGTERM and SIGKILL once the rest of
 * the grace period has passed (at least 2 s, upstream's minimum); a pod's containers stop in
 * parallel, then its sandbox. Blocking until everything stopped.
 */
public final class PodKiller {
  private static final Logger LOG = LoggerFactory.getLogger(PodKiller.class);
  static final long MIN_GRACE_SECONDS = 2;

  private final ContainerRuntime runtime;
  private final HandlerRunner handlers;
  private final EventRecorder events;
  private final ExecutorService executor;

  /** {@code handlers} null: no hooks (the simulated runtime). */
  public PodKiller(
      ContainerRuntime runtime,
      HandlerRunner handlers,
      EventRecorder events,
      ExecutorService executor) {
    this.runtime = runtime;
    this.handlers = handlers;
    this.events = events;
    this.executor = executor;
  }

  /**
   * Stops every running container of the pod in parallel, then its sandboxes. {@code pod} may be
   * null for an orphan (no hooks, no events).
   */
  public void killPod(Pod pod, RuntimePod rp, long graceSeconds) {
    String podIp = rp.readySandbox().map(RuntimeSandbox::ip).orElse(null);
    List<CompletableFuture<Void>> kills = new ArrayList<>();
    for (RuntimeContainer rc : rp.containers()) {
      if (rc.state() == ContainerState.RUNNING
          || rc.state() == ContainerState.CREATED
          || rc.state() == ContainerState.UNKNOWN) {
        kills.add(
            CompletableFuture.runAsync(
                () -> killContainer(pod, rc, podIp, graceSeconds, null), executor));
      }
    }
    for (CompletableFuture<Void> k : kills) {
      try {
        k.join();
      } catch (RuntimeException e) {
        LOG.warn("Stopping a container failed: {}", e.toString());
      }
    }
    for (RuntimeSandbox s : rp.sandboxes()) {
      if (s.ready()) {
        runtime.stopSandbox(s.id());
      }
    }
  }

  /**
   * Stops one container instance: Killing event ({@code message} or "Stopping container NAME"),
   * preStop hook, SIGTERM, SIGKILL after the remaining grace period.
   */
  public void killContainer(
      Pod pod, RuntimeContainer rc, String podIp, long graceSeconds, String message) {
    long grace = Math.max(0, graceSeconds);
    if (pod != null) {
      events.event(
          pod,
          EventRecorder.containerField(pod, rc.name()),
          EventRecorder.NORMAL,
          "Killing",
          message != null ? message : "Stopping container " + rc.name());
      Container spec = PodSpecs.container(pod, rc.name()).orElse(null);
      if (handlers != null
          && spec != null
          && spec.getLifecycle() != null
          && spec.getLifecycle().getPreStop() != null
          && rc.running()) {
        long start = System.nanoTime();
        HandlerRunner.Outcome outcome =
            handlers.hook(
                spec.getLifecycle().getPreStop(),
                podIp,
                spec,
                rc.id(),
                Duration.ofSeconds(Math.max(grace, 1)));
        if (!outcome.success()) {
          events.event(
              pod,
              EventRecorder.containerField(pod, rc.name()),
              EventRecorder.WARNING,
              "FailedPreStopHook",
              "PreStopHook failed: " + outcome.message());
        }
        grace -= Duration.ofNanos(System.nanoTime() - start).toSeconds();
      }
    }
    runtime.stopContainer(rc.id(), Duration.ofSeconds(Math.max(grace, MIN_GRACE_SECONDS)));
  }
}
