package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * client-go's workqueue metrics, same names and help texts, tagged {@code name=<queue>}:
 * workqueue_depth, workqueue_adds_total, workqueue_queue_duration_seconds,
 * workqueue_work_duration_seconds, workqueue_unfinished_work_seconds,
 * workqueue_longest_running_processor_seconds and workqueue_retries_total.
 *
 * <p>Called by the queue under its lock; the two "unfinished work" gauges are computed when scraped
 * (client-go refreshes them every 500 ms from a goroutine), hence the own monitor.
 */
final class QueueMetrics<T> {
  // client-go: prometheus.ExponentialBuckets(10e-9, 10, 10), i.e. 10 ns .. 10 s.
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(10),
    Duration.ofNanos(100),
    Duration.ofNanos(1_000),
    Duration.ofNanos(10_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(1_000_000),
    Duration.ofNanos(10_000_000),
    Duration.ofNanos(100_000_000),
    Duration.ofSeconds(1),
    Duration.ofSeconds(10),
  };

  private final Clock clock;
  private final MeterRegistry registry;
  private final Counter adds;
  private final Counter retries;
  private final Timer queueLatency;
  private final Timer workDuration;
  private final List<Meter> gauges;
  private final Map<T, Instant> addTimes = new HashMap<>();
  private final Map<T, Instant> processingStartTimes = new HashMap<>();
  private long depth;

  QueueMetrics(QueueConfig config) {
    this.clock = config.clock();
    // No registry: meters on an empty composite registry are no-ops.
    this.registry =
        config.meterRegistry() != null ? config.meterRegistry() : new CompositeMeterRegistry();
    String name = config.name();
    adds =
        Counter.builder("workqueue.adds")
            .description("Total number of adds handled by workqueue")
            .tag("name", name)
            .register(registry);
    retries =
        Counter.builder("workqueue.retries")
            .description("Total number of retries handled by workqueue")
            .tag("name", name)
            .register(registry);
    queueLatency =
        Timer.builder("workqueue.queue.duration")
            .description("How long in seconds an item stays in workqueue before being requested.")
            .tag("name", name)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    workDuration =
        Timer.builder("workqueue.work.duration")
            .description("How long in seconds processing an item from workqueue takes.")
            .tag("name", name)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    gauges =
        List.of(
            Gauge.builder("workqueue.depth", this, QueueMetrics::depth)
                .description("Current depth of workqueue")
                .tag("name", name)
                .strongReference(true)
                .register(registry),
            Gauge.builder("workqueue.unfinished.work", this, QueueMetrics::unfinishedWorkSeconds)
                .description(
                    "How many seconds of work has done that is in progress and hasn't been"
                        + " observed by work_duration. Large values indicate stuck threads. One can"
                        + " deduce the number of stuck threads by observing the rate at which this"
                        + " increases.")
                .baseUnit("seconds")
                .tag("name", name)
                .strongReference(true)
                .register(registry),
            Gauge.builder(
                    "workqueue.longest.running.processor",
                    this,
                    QueueMetrics::longestRunningProcessorSeconds)
                .description(
                    "How many seconds has the longest running processor for workqueue been"
                        + " running.")
                .baseUnit("seconds")
                .tag("name", name)
                .strongReference(true)
                .register(registry));
  }

  synchronized void add(T item) {
    adds.increment();
    depth++;
    addTimes.putIfAbsent(item, clock.now());
  }

  synchronized void get(T item) {
    depth--;
    Instant now = clock.now();
    processingStartTimes.put(item, now);
    Instant added = addTimes.remove(item);
    if (added != null) {
      queueLatency.record(nonNegative(Duration.between(added, now)));
    }
  }

  synchronized void done(T item) {
    Instant started = processingStartTimes.remove(item);
    if (started != null) {
      workDuration.record(nonNegative(clock.since(started)));
    }
  }

  void retry() {
    retries.increment();
  }

  synchronized double depth() {
    return depth;
  }

  synchronized double unfinishedWorkSeconds() {
    Instant now = clock.now();
    double total = 0;
    for (Instant start : processingStartTimes.values()) {
      total += seconds(Duration.between(start, now));
    }
    return total;
  }

  synchronized double longestRunningProcessorSeconds() {
    Instant now = clock.now();
    double longest = 0;
    for (Instant start : processingStartTimes.values()) {
      longest = Math.max(longest, seconds(Duration.between(start, now)));
    }
    return longest;
  }

  /**
   * Unregisters the gauges: they hold this queue, and a later queue of the same name would
   * otherwise be handed the old gauges by the registry. Counters and histograms stay cumulative.
   */
  void close() {
    gauges.forEach(registry::remove);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static double seconds(Duration d) {
    return Math.max(0, d.toNanos()) / (double) TimeUnit.SECONDS.toNanos(1);
  }
}
