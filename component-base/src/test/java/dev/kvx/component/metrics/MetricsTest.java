package dev.kvx.component.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void eachComponentHasItsOwnRegistryWithProcessSeries() {
    try (Metrics scheduler = Metrics.create();
        Metrics controllerManager = Metrics.create()) {
      scheduler.registry().counter("scheduler.schedule.attempts", "result", "scheduled").increment();

      String page = scheduler.registry().scrape();
      assertThat(page)
          .contains("scheduler_schedule_attempts_total{result=\"scheduled\"} 1.0")
          .contains("# TYPE process_start_time_seconds gauge")
          .contains("# TYPE process_cpu_seconds_total counter")
          .contains("# TYPE jvm_memory_used_bytes gauge");
      if (System.getProperty("os.name").startsWith("Linux")) {
        assertThat(page)
            .contains("# TYPE process_open_fds gauge")
            .contains("# TYPE process_resident_memory_bytes gauge");
      }
      assertThat(controllerManager.registry().scrape())
          .contains("process_start_time_seconds")
          .doesNotContain("scheduler_schedule_attempts");
    }
  }
}
