package dev.kvx.kubelet;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.events.EventRecorder;
import dev.kvx.kubelet.metrics.KubeletMetrics;
import dev.kvx.kubelet.nodestatus.NodeHealth;
import dev.kvx.kubelet.nodestatus.NodeLeaseController;
import dev.kvx.kubelet.nodestatus.NodeSettings;
import dev.kvx.kubelet.nodestatus.NodeStatusManager;
import dev.kvx.kubelet.pleg.Pleg;
import dev.kvx.kubelet.pod.BackOff;
import dev.kvx.kubelet.pod.ConfigSource;
import dev.kvx.kubelet.pod.ContainerConfigFactory;
import dev.kvx.kubelet.pod.EnvResolver;
import dev.kvx.kubelet.pod.ImageManager;
import dev.kvx.kubelet.pod.PodContext;
import dev.kvx.kubelet.pod.PodKiller;
import dev.kvx.kubelet.pod.PodManager;
import dev.kvx.kubelet.pod.PodSpecs;
import dev.kvx.kubelet.pod.PodStatusManager;
import dev.kvx.kubelet.pod.PodSyncer;
import dev.kvx.kubelet.pod.PodWorkers;
import dev.kvx.kubelet.prober.HandlerRunner;
import dev.kvx.kubelet.prober.ProbeManager;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.simulated.SimulatedRuntime;
import dev.kvx.kubelet.volume.VolumeManager;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's kubelet: registration and heartbeats (Node status, Lease), the pod workers with their
 * syncer, the PLEG relist and the probes, wired over one container runtime. The process ({@link
 * KubeletAgent}) feeds it the node's pods from its informer and shares its threads.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration REGISTER_RETRY_MAX = Duration.ofSeconds(7);

  /** What the nodes of one process share. */
  record Shared(
      KubernetesClient client,
      Clock clock,
      KubeletMetrics metrics,
      KubeletTimings timings,
      ScheduledExecutorService heartbeats,
      ExecutorService podWorkerThreads,
      ExecutorService probeThreads,
      ExecutorService killThreads,
      ExecutorService eventThread,
      Path rootDir,
      boolean simulated) {}

  private final String name;
  private final Shared shared;
  private final ContainerRuntime runtime;
  private final NodeStatusManager nodeStatus;
  private final NodeLeaseController lease;
  private final PodManager pods = new PodManager();
  private final PodWorkers workers;
  private final Pleg pleg;
  private final ProbeManager probes;
  private final List<ScheduledFuture<?>> loops = new ArrayList<>();
  private volatile boolean registered;
  private volatile boolean closed;

  NodeAgent(NodeSettings settings, ContainerRuntime runtime, NodeHealth health, Shared shared) {
    this.name = settings.name();
    this.shared = shared;
    this.runtime = runtime;
    KubernetesClient client = shared.client();
    KubeletTimings t = shared.timings();
    this.nodeStatus =
        new NodeStatusManager(
            client, settings, health, shared.clock(), t.nodeStatusReportFrequency());
    this.lease =
        new NodeLeaseController(
            client,
            name,
            () -> nodeStatus.node() == null ? null : nodeStatus.node().getMetadata().getUid(),
            t.nodeLeaseDurationSeconds(),
            shared.clock());
    EventRecorder events =
        shared.simulated()
            ? EventRecorder.discarding()
            : new EventRecorder(client, name, shared.clock(), shared.eventThread());
    PodContext context = new PodContext(name, settings.internalIp(), settings.allocatable());
    ConfigSource configSource = ConfigSource.of(client);
    HandlerRunner handlers = shared.simulated() ? null : new HandlerRunner(runtime);
    PodWorkers[] self = new PodWorkers[1];
    this.probes =
        shared.simulated()
            ? null
            : new ProbeManager(
                handlers,
                shared.heartbeats(),
                shared.probeThreads(),
                events,
                uid -> self[0].enqueue(uid));
    PodSyncer syncer =
        new PodSyncer(
            new PodSyncer.Deps(
                runtime,
                shared.simulated() ? SimulatedRuntime.RUNTIME_NAME : "docker",
                pods,
                new PodStatusManager(client),
                shared.simulated()
                    ? null
                    : new VolumeManager(shared.rootDir(), configSource, client),
                new ImageManager(
                    runtime,
                    events,
                    new BackOff(
                        shared.clock(), t.imagePullBackOffInitial(), t.imagePullBackOffMax()),
                    shared.clock()),
                new ContainerConfigFactory(new EnvResolver(configSource)),
                probes,
                handlers,
                new PodKiller(runtime, handlers, events, shared.killThreads()),
                events,
                new BackOff(shared.clock(), t.crashLoopBackOffInitial(), t.crashLoopBackOffMax()),
                shared.clock(),
                context,
                shared.metrics(),
                t.podResyncPeriod(),
                uid -> self[0].forget(uid)));
    this.workers = new PodWorkers(shared.podWorkerThreads(), shared.clock(), syncer);
    self[0] = workers;
    this.pleg = new Pleg(runtime, name, shared.metrics(), workers::enqueue);
  }

  public String name() {
    return name;
  }

  public ContainerRuntime runtime() {
    return runtime;
  }

  public PodManager pods() {
    return pods;
  }

  /** Whether the Node has been registered. */
  public boolean registered() {
    return registered;
  }

  /**
   * Registers the node (retrying with back-off until the API server accepts it), then starts the
   * heartbeats (the first Lease renewal creates the Lease); the PLEG starts once {@code podsSynced}
   * (its first relist removes orphans, which needs the full list of the node's pods).
   */
  void start(BooleanSupplier podsSynced) {
    shared.heartbeats().execute(() -> register(Duration.ofMillis(500), podsSynced));
  }

  private void register(Duration retry, BooleanSupplier podsSynced) {
    if (closed) {
      return;
    }
    try {
      nodeStatus.register();
      registered = true;
    } catch (RuntimeException e) {
      Duration next =
          retry.multipliedBy(2).compareTo(REGISTER_RETRY_MAX) > 0
              ? REGISTER_RETRY_MAX
              : retry.multipliedBy(2);
      LOG.warn(
          "Unable to register node {} with the API server, retrying in {} ms: {}",
          name,
          retry.toMillis(),
          e.toString());
      shared
          .heartbeats()
          .schedule(() -> register(next, podsSynced), retry.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    KubeletTimings t = shared.timings();
    // Spread the nodes of one process over the period so their heartbeats do not arrive together.
    long jitter = (Math.abs(name.hashCode()) % 1000) * t.nodeLeaseRenewInterval().toMillis() / 1000;
    synchronized (loops) {
      if (closed) {
        return;
      }
      loops.add(
          shared
              .heartbeats()
              .scheduleWithFixedDelay(
                  guarded("lease", lease::renew),
                  jitter,
                  t.nodeLeaseRenewInterval().toMillis(),
                  TimeUnit.MILLISECONDS));
      loops.add(
          shared
              .heartbeats()
              .scheduleWithFixedDelay(
                  guarded("node status", nodeStatus::update),
                  jitter,
                  t.nodeStatusUpdateFrequency().toMillis(),
                  TimeUnit.MILLISECONDS));
      loops.add(
          shared
              .heartbeats()
              .scheduleWithFixedDelay(
                  guarded(
                      "relist",
                      () -> {
                        if (podsSynced.getAsBoolean()) {
                          pleg.relist();
                        }
                      }),
                  0,
                  t.plegRelistPeriod().toMillis(),
                  TimeUnit.MILLISECONDS));
    }
  }

  private Runnable guarded(String what, Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LOG.warn("Node {}: {} failed: {} ({})", name, what, e.getMessage(), cause.toString());
      }
    };
  }

  /** An added or updated pod of this node. */
  void podUpdated(Pod pod) {
    pods.update(pod);
    workers.enqueue(PodSpecs.uid(pod));
  }

  /** Asks every known pod of this node for a sync now (the pods themselves are unchanged). */
  void syncAllPods() {
    for (Pod pod : pods.all()) {
      workers.enqueue(PodSpecs.uid(pod));
    }
  }

  /** A pod of this node deleted from the API. */
  void podRemoved(Pod pod) {
    pods.remove(pod);
    workers.enqueue(PodSpecs.uid(pod));
  }

  @Override
  public void close() {
    closed = true;
    synchronized (loops) {
      loops.forEach(f -> f.cancel(false));
    }
    workers.shutDown();
    if (probes != null) {
      probes.close();
    }
    shared.metrics().removeNode(name);
    runtime.close();
  }
}
