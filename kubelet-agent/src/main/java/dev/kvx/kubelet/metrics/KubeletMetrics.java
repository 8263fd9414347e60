package dev.kvx.kubelet.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's metrics under upstream names (pkg/kubelet/metrics). The nodes of one agent process
 * (several simulated nodes) share one registry: gauges are the sums over its nodes, as a Prometheus
 * query summing the kubelets of a cluster would show.
 */
public final class KubeletMetrics {
  /** Upstream's buckets of the pod start histograms, in seconds. */
  static final double[] POD_START_BUCKETS = {
    0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200,
    1800, 2700, 3600
  };

  /** Prometheus' default buckets (DefBuckets), used by kubelet_pod_worker_duration_seconds. */
  static final double[] DEFAULT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  /** kubelet_runtime_operations_duration_seconds: ExponentialBuckets(.005, 2.5, 14). */
  static final double[] RUNTIME_BUCKETS = exponential(0.005, 2.5, 14);

  public static final String[] CONTAINER_STATES = {"created", "running", "exited", "unknown"};

  private final MeterRegistry registry;
  private final Map<String, NodeCounts> nodes = new ConcurrentHashMap<>();
  private final Timer podStart;
  private final Timer podStartSli;

  public KubeletMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("kubelet_running_pods", this, m -> m.sum(-1))
        .description("Number of pods that have a running pod sandbox")
        .register(registry);
    for (int i = 0; i < CONTAINER_STATES.length; i++) {
      int state = i;
      Gauge.builder("kubelet_running_containers", this, m -> m.sum(state))
          .description("Number of containers currently running")
          .tag("container_state", CONTAINER_STATES[i])
          .register(registry);
    }
    podStart =
        histogram(
                "kubelet_pod_start_duration_seconds",
                "Duration in seconds from kubelet seeing a pod for the first time to the pod"
                    + " starting to run",
                POD_START_BUCKETS)
            .register(registry);
    podStartSli =
        histogram(
                "kubelet_pod_start_sli_duration_seconds",
                "Duration in seconds to start a pod, excluding time to pull images and run init"
                    + " containers, measured from pod creation timestamp to when all its containers"
                    + " are reported as started and observed via watch",
                POD_START_BUCKETS)
            .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Records the node's current pod and container counts (from its latest runtime relist). */
  public void setNodeCounts(String node, int runningPods, int[] containersByState) {
    nodes.put(node, new NodeCounts(runningPods, containersByState.clone()));
  }

  public void removeNode(String node) {
    nodes.remove(node);
  }

  private double sum(int state) {
    long total = 0;
    for (NodeCounts c : nodes.values()) {
      total += state < 0 ? c.runningPods : c.containers[state];
    }
    return total;
  }

  public void podStart(Duration sinceFirstSeen) {
    podStart.record(sinceFirstSeen);
  }

  public void podStartSli(Duration sinceCreationWithoutPulls) {
    podStartSli.record(sinceCreationWithoutPulls);
  }

  /** One pod sync; {@code operationType} is create, update, sync or kill, as upstream. */
  public void podWorker(String operationType, long nanos) {
    histogram(
            "kubelet_pod_worker_duration_seconds",
            "Duration in seconds to sync a single pod. Broken down by operation type: create,"
                + " update, or sync",
            DEFAULT_BUCKETS)
        .tag("operation_type", operationType)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void runtimeOperation(String operationType, long nanos) {
    Counter.builder("kubelet_runtime_operations_total")
        .description("Cumulative number of runtime operations by operation type.")
        .tag("operation_type", operationType)
        .register(registry)
        .increment();
    histogram(
            "kubelet_runtime_operations_duration_seconds",
            "Duration in seconds of runtime operations. Broken down by operation type.",
            RUNTIME_BUCKETS)
        .tag("operation_type", operationType)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  public void runtimeOperationError(String operationType) {
    Counter.builder("kubelet_runtime_operations_errors_total")
        .description("Cumulative number of runtime operation errors by operation type.")
        .tag("operation_type", operationType)
        .register(registry)
        .increment();
  }

  private static Timer.Builder histogram(String name, String help, double[] bucketsSeconds) {
    return Timer.builder(name)
        .description(help)
        .serviceLevelObjectives(
            Arrays.stream(bucketsSeconds)
                .mapToObj(s -> Duration.ofNanos((long) (s * 1e9)))
                .toArray(Duration[]::new));
  }

  private static double[] exponential(double start, double factor, int count) {
    double[] out = new double[count];
    double v = start;
    for (int i = 0; i < count; i++) {
      out[i] = v;
      v *= factor;
    }
    return out;
  }

  private record NodeCounts(int runningPods, int[] containers) {}
}
