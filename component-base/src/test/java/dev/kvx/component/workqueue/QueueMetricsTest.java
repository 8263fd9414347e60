package dev.kvx.component.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.component.metrics.Metrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QueueMetricsTest {

  @Test
  void queueReportsUpstreamWorkqueueSeries() throws Exception {
    FakeClock clock = new FakeClock();
    try (Metrics metrics = Metrics.create()) {
      var q =
          new RateLimitingQueue<String>(
              QueueConfig.named("replicaset")
                  .withMeterRegistry(metrics.registry())
                  .withClock(clock),
              RateLimiter.defaultControllerRateLimiter(clock));

      q.add("ns/a");
      q.add("ns/b");
      q.add("ns/a");
      clock.step(Duration.ofMillis(50));
      String item = q.get();
      clock.step(Duration.ofSeconds(3));
      String page = metrics.registry().scrape();

      assertThat(page)
          .contains("workqueue_adds_total{name=\"replicaset\"} 2.0")
          .contains("workqueue_depth{name=\"replicaset\"} 1.0")
          .contains("workqueue_unfinished_work_seconds{name=\"replicaset\"} 3.0")
          .contains("workqueue_longest_running_processor_seconds{name=\"replicaset\"} 3.0")
          .contains("workqueue_queue_duration_seconds_bucket{name=\"replicaset\",le=\"0.1\"} 1")
          .contains("workqueue_queue_duration_seconds_bucket{name=\"replicaset\",le=\"0.01\"} 0");

      q.done(item);
      q.addRateLimited(item);
      page = metrics.registry().scrape();
      assertThat(page)
          .contains("workqueue_work_duration_seconds_count{name=\"replicaset\"} 1")
          .contains("workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"10.0\"} 1")
          .contains("workqueue_work_duration_seconds_bucket{name=\"replicaset\",le=\"1.0\"} 0")
          .contains("workqueue_retries_total{name=\"replicaset\"} 1.0")
          .contains("workqueue_unfinished_work_seconds{name=\"replicaset\"} 0.0");

      q.shutDown();
      assertThat(metrics.registry().scrape()).doesNotContain("workqueue_depth{");
    }
  }
}
