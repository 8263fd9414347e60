package dev.kvx.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each {@code withX} changes only its own components, and a copy is validated like a new one. */
class SchedulerOptionsTest {

  final SchedulerOptions defaults = SchedulerOptions.defaults(Path.of("/etc/kvx/scheduler.conf"));

  @Test
  void eachWithChangesOnlyItsComponents() {
    SchedulerOptions changed =
        defaults
            .withLeaderElect(false)
            .withLease("kvx-system", "kvx-scheduler")
            .withLeaseTimings(Duration.ofSeconds(30), Duration.ofSeconds(20), Duration.ofSeconds(4))
            .withIdentity("replica-b")
            .withServing("127.0.0.1", 0, Path.of("tls.crt"), Path.of("tls.key"))
            .withPercentageOfNodesToScore(40);

    assertThat(changed)
        .isEqualTo(
            new SchedulerOptions(
                defaults.kubeconfig(),
                false,
                "kvx-system",
                "kvx-scheduler",
                "replica-b",
                Duration.ofSeconds(30),
                Duration.ofSeconds(20),
                Duration.ofSeconds(4),
                "127.0.0.1",
                0,
                Path.of("tls.crt"),
                Path.of("tls.key"),
                defaults.profiles(),
                40));
    // The original is untouched.
    assertThat(defaults.leaderElect()).isTrue();
    assertThat(defaults.port()).isEqualTo(SchedulerOptions.DEFAULT_PORT);
  }

  @Test
  void aCopyIsValidated() {
    assertThatThrownBy(() -> defaults.withPercentageOfNodesToScore(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percentageOfNodesToScore");
    assertThatThrownBy(() -> defaults.withServing("0.0.0.0", 70000, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
  }
}
