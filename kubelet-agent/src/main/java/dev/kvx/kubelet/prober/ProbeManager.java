package dev.kvx.kubelet.prober;

import dev.kvx.kubelet.events.EventRecorder;
import dev.kvx.kubelet.pod.PodSpecs;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Liveness, readiness and startup probes (the kubelet's prober manager): one worker per probe of
 * each running container instance, probing every {@code periodSeconds} after {@code
 * initialDelaySeconds}, counting {@code successThreshold}/{@code failureThreshold} and reporting a
 * result change to the pod's worker. Readiness starts failed, liveness succeeded, startup unknown;
 * liveness and readiness wait until the startup probe succeeded. A liveness or startup failure
 * holds its worker until the container is replaced. Failed probes emit {@code Unhealthy} events.
 *
 * <p>Thread-safe. Probes run on the probe executor; the scheduler only times them.
 */
public final class ProbeManager {
  /** The three probe types, with the names events use. */
  public enum Kind {
    LIVENESS("Liveness"),
    READINESS("Readiness"),
    STARTUP("Startup");

    final String display;

    Kind(String display) {
      this.display = display;
    }
  }

  private final HandlerRunner runner;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService executor;
  private final EventRecorder events;
  private final Consumer<String> onChange;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();

  public ProbeManager(
      HandlerRunner runner,
      ScheduledExecutorService scheduler,
      ExecutorService executor,
      EventRecorder events,
      Consumer<String> onChange) {
    this.runner = runner;
    this.scheduler = scheduler;
    this.executor = executor;
    this.events = events;
    this.onChange = onChange;
  }

  /**
   * Makes the workers match the pod's running containers: starts probes of new instances, stops
   * those of gone ones. Called by the pod's worker after each sync.
   */
  public void sync(Pod pod, String podIp, List<RuntimeContainer> running) {
    String uid = PodSpecs.uid(pod);
    Set<String> wanted = new HashSet<>();
    for (RuntimeContainer rc : running) {
      Container c = PodSpecs.container(pod, rc.name()).orElse(null);
      if (c == null || PodSpecs.isInit(pod, rc.name())) {
        continue;
      }
      for (Kind kind : Kind.values()) {
        Probe probe = probe(c, kind);
        if (probe == null) {
          continue;
        }
        String key = key(uid, rc.name(), kind);
        wanted.add(key);
        Worker existing = workers.get(key);
        if (existing != null && existing.containerId.equals(rc.id())) {
          existing.pod = pod;
          existing.podIp = podIp;
          continue;
        }
        if (existing != null) {
          existing.stop();
        }
        Worker w =
            new Worker(key, uid, kind, pod, podIp, c, probe, rc.id(), c.getStartupProbe() != null);
        workers.put(key, w);
        w.start(rc.startedAt());
      }
    }
    workers
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(uid + "|") && !wanted.contains(e.getKey())) {
                e.getValue().stop();
                return true;
              }
              return false;
            });
  }

  /** Stops every probe of the pod. */
  public void remove(String uid) {
    workers
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().startsWith(uid + "|")) {
                e.getValue().stop();
                return true;
              }
              return false;
            });
  }

  /** Whether the container instance passes readiness (true without a readiness probe). */
  public boolean ready(Container c, String uid, String containerId) {
    if (c.getReadinessProbe() == null) {
      return started(c, uid, containerId);
    }
    Worker w = worker(uid, c.getName(), Kind.READINESS, containerId);
    return w != null && Boolean.TRUE.equals(w.result) && started(c, uid, containerId);
  }

  /** Whether the container instance passed its startup probe (true without one). */
  public boolean started(Container c, String uid, String containerId) {
    if (c.getStartupProbe() == null) {
      return true;
    }
    Worker w = worker(uid, c.getName(), Kind.STARTUP, containerId);
    return w != null && Boolean.TRUE.equals(w.result);
  }

  /** The probe (liveness or startup) that failed for the instance, or null. */
  public Kind failed(Container c, String uid, String containerId) {
    for (Kind kind : List.of(Kind.STARTUP, Kind.LIVENESS)) {
      Worker w = worker(uid, c.getName(), kind, containerId);
      if (w != null && Boolean.FALSE.equals(w.result)) {
        return kind;
      }
    }
    return null;
  }

  private Worker worker(String uid, String name, Kind kind, String containerId) {
    Worker w = workers.get(key(uid, name, kind));
    return w != null && w.containerId.equals(containerId) ? w : null;
  }

  private static Probe probe(Container c, Kind kind) {
    return switch (kind) {
      case LIVENESS -> c.getLivenessProbe();
      case READINESS -> c.getReadinessProbe();
      case STARTUP -> c.getStartupProbe();
    };
  }

  private static String key(String uid, String name, Kind kind) {
    return uid + "|" + name + "|" + kind;
  }

  /** Stops all workers. */
  public void close() {
    workers.values().forEach(Worker::stop);
    workers.clear();
  }

  private final class Worker {
    final String key;
    final String uid;
    final Kind kind;
    final Container container;
    final Probe probe;
    final String containerId;
    final boolean hasStartupProbe;
    volatile Pod pod;
    volatile String podIp;
    volatile Boolean result;
    int successes;
    int failures;
    volatile boolean onHold;
    volatile boolean stopped;
    volatile boolean running;
    ScheduledFuture<?> timer;

    Worker(
        String key,
        String uid,
        Kind kind,
        Pod pod,
        String podIp,
        Container container,
        Probe probe,
        String containerId,
        boolean hasStartupProbe) {
      this.key = key;
      this.uid = uid;
      this.kind = kind;
      this.pod = pod;
      this.podIp = podIp;
      this.container = container;
      this.probe = probe;
      this.containerId = containerId;
      this.hasStartupProbe = hasStartupProbe;
      this.result =
          switch (kind) {
            case READINESS -> Boolean.FALSE;
            case LIVENESS -> Boolean.TRUE;
            case STARTUP -> null;
          };
    }

    synchronized void start(Instant startedAt) {
      long initialDelay = PodSpecs.initialDelaySeconds(probe) * 1000L;
      long sinceStart =
          startedAt == null ? 0 : Duration.between(startedAt, Instant.now()).toMillis();
      long first = Math.max(0, initialDelay - Math.max(0, sinceStart));
      long period = PodSpecs.periodSeconds(probe) * 1000L;
      timer = scheduler.scheduleAtFixedRate(this::tick, first, period, TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
      stopped = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }

    private void tick() {
      if (stopped || running || onHold) {
        return;
      }
      if (kind == Kind.STARTUP && Boolean.TRUE.equals(result)) {
        return; // started: the startup probe is done
      }
      if (kind != Kind.STARTUP && hasStartupProbe && !startupPassed()) {
        return;
      }
      running = true;
      try {
        executor.execute(this::probeOnce);
      } catch (RejectedExecutionException e) {
        running = false;
      }
    }

    private boolean startupPassed() {
      Worker startup = workers.get(key(uid, container.getName(), Kind.STARTUP));
      return startup != null
          && startup.containerId.equals(containerId)
          && Boolean.TRUE.equals(startup.result);
    }

    private void probeOnce() {
      try {
        HandlerRunner.Outcome outcome =
            runner.probe(
                probe,
                podIp,
                container,
                containerId,
                Duration.ofSeconds(PodSpecs.timeoutSeconds(probe)));
        if (stopped) {
          return;
        }
        Boolean next = null;
        if (outcome.success()) {
          failures = 0;
          successes++;
          int threshold = kind == Kind.READINESS ? PodSpecs.successThreshold(probe) : 1;
          if (!Boolean.TRUE.equals(result) && successes >= threshold) {
            next = Boolean.TRUE;
          }
        } else {
          successes = 0;
          failures++;
          events.event(
              pod,
              EventRecorder.containerField(pod, container.getName()),
              EventRecorder.WARNING,
              "Unhealthy",
              kind.display + " probe failed: " + outcome.message());
          if (!Boolean.FALSE.equals(result) && failures >= PodSpecs.failureThreshold(probe)) {
            next = Boolean.FALSE;
            if (kind != Kind.READINESS) {
              onHold = true; // until the container is replaced
            }
          } else if (result == null && failures >= PodSpecs.failureThreshold(probe)) {
            next = Boolean.FALSE;
          }
        }
        if (next != null) {
          result = next;
          onChange.accept(uid);
        }
      } finally {
        running = false;
      }
    }
  }
}
