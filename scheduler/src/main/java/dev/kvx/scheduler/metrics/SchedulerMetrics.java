package dev.kvx.scheduler.metrics;

import dev.kvx.scheduler.framework.PluginMetrics;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.queue.SchedulingQueue;
import dev.kvx.scheduler.queue.SchedulingQueue.QueueName;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * kube-scheduler's metrics with upstream names, labels, help texts and buckets:
 * scheduler_schedule_attempts_total{result,profile},
 * scheduler_scheduling_attempt_duration_seconds{result,profile}, scheduler_pending_pods{queue},
 * scheduler_pod_scheduling_sli_duration_seconds{attempts} and
 * scheduler_plugin_execution_duration_seconds{plugin,extension_point,status} (recorded for a 10%
 * sample of cycles, as upstream, since plugins run thousands of times per cycle).
 */
public final class SchedulerMetrics implements PluginMetrics {
  public static final String SCHEDULED = "scheduled";
  public static final String UNSCHEDULABLE = "unschedulable";
  public static final String ERROR = "error";

  /** Upstream's pluginMetricsSamplePercent. */
  static final int PLUGIN_METRICS_SAMPLE_PERCENT = 10;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter> attempts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> attemptDurations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> sliDurations = new ConcurrentHashMap<>();
  // plugin → extension point → one timer per status code: recorded thousands of times per sampled
  // cycle (filters run per node), so lookups use the callers' constant strings and allocate
  // nothing.
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Timer[]>> pluginDurations =
      new ConcurrentHashMap<>();

  /** Metrics on {@code registry}; null records nothing. */
  public SchedulerMetrics(MeterRegistry registry) {
    this.registry = registry != null ? registry : new CompositeMeterRegistry();
  }

  /** Registers scheduler_pending_pods{queue} for the four queues of {@code queue}. */
  public void bindPendingPods(SchedulingQueue queue) {
    for (QueueName q : QueueName.values()) {
      Gauge.builder("scheduler.pending.pods", queue, sq -> sq.pendingPods(q))
          .description(
              "Number of pending pods, by the queue type. 'active' means number of pods in activeQ;"
                  + " 'backoff' means number of pods in backoffQ; 'unschedulable' means number of"
                  + " pods in unschedulablePods that the scheduler attempted to schedule and"
                  + " failed; 'gated' is the number of unschedulable pods that the scheduler never"
                  + " attempted to schedule because they are gated.")
          .tag("queue", q.label())
          .strongReference(true)
          .register(registry);
    }
  }

  /** Whether this cycle's plugin durations are recorded. */
  public boolean samplePluginMetrics() {
    return ThreadLocalRandom.current().nextInt(100) < PLUGIN_METRICS_SAMPLE_PERCENT;
  }

  /** One scheduling attempt ended with {@code result} after {@code duration}. */
  public void attempt(String result, String profile, Duration duration) {
    String key = result + "\u0000" + profile;
    attempts
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("scheduler.schedule.attempts")
                    .description(
                        "Number of attempts to schedule pods, by the result. 'unschedulable' means"
                            + " a pod could not be scheduled, while 'error' means an internal"
                            + " scheduler problem.")
                    .tag("result", result)
                    .tag("profile", profile)
                    .register(registry))
        .increment();
    attemptDurations
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("scheduler.scheduling.attempt.duration")
                    .description(
                        "Scheduling attempt latency in seconds (scheduling algorithm + binding)")
                    .tag("result", result)
                    .tag("profile", profile)
                    .serviceLevelObjectives(exponentialBuckets(0.001, 2, 15))
                    .register(registry))
        .record(duration);
  }

  /** A pod was bound {@code sinceFirstAttempt} after its first scheduling attempt. */
  public void podSchedulingSli(int attemptCount, Duration sinceFirstAttempt) {
    String label = attemptCount >= 15 ? "15+" : Integer.toString(attemptCount);
    sliDurations
        .computeIfAbsent(
            label,
            k ->
                Timer.builder("scheduler.pod.scheduling.sli.duration")
                    .description(
                        "E2e latency for a pod being scheduled, from the time the pod enters the"
                            + " scheduling queue and might involve multiple scheduling attempts.")
                    .tag("attempts", label)
                    .serviceLevelObjectives(exponentialBuckets(0.01, 2, 20))
                    .register(registry))
        .record(sinceFirstAttempt);
  }

  @Override
  public void observe(String plugin, String extensionPoint, Status.Code status, long nanos) {
    Timer[] byCode =
        pluginDurations
            .computeIfAbsent(plugin, p -> new ConcurrentHashMap<>())
            .computeIfAbsent(extensionPoint, e -> new Timer[Status.Code.values().length]);
    Timer t = byCode[status.ordinal()];
    if (t == null) {
      t =
          Timer.builder("scheduler.plugin.execution.duration")
              .description("Duration for running a plugin at a specific extension point.")
              .tag("plugin", plugin)
              .tag("extension_point", extensionPoint)
              .tag("status", statusLabel(status))
              .serviceLevelObjectives(exponentialBuckets(0.00001, 1.5, 20))
              .register(registry); // registering twice returns the same meter
      byCode[status.ordinal()] = t;
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Upstream's Code.String(). */
  static String statusLabel(Status.Code code) {
    return switch (code) {
      case SUCCESS -> "Success";
      case ERROR -> "Error";
      case UNSCHEDULABLE -> "Unschedulable";
      case UNSCHEDULABLE_AND_UNRESOLVABLE -> "UnschedulableAndUnresolvable";
      case SKIP -> "Skip";
      case PENDING -> "Pending";
    };
  }

  /** Prometheus' ExponentialBuckets(start, factor, count) as durations. */
  static Duration[] exponentialBuckets(double startSeconds, double factor, int count) {
    Duration[] out = new Duration[count];
    double v = startSeconds;
    for (int i = 0; i < count; i++) {
      out[i] = Duration.ofNanos(Math.round(v * 1e9));
      v *= factor;
    }
    return out;
  }
}
