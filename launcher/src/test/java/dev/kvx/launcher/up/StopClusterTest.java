package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StopClusterTest {

  @Test
  void awaitExitReturnsOnceTheProcessIsGoneAndGivesUpAtTheDeadline() throws Exception {
    Process running = new ProcessBuilder("sleep", "60").start();
    try {
      long t0 = System.nanoTime();
      assertThat(StopCluster.awaitExit(running.toHandle(), Duration.ofMillis(200))).isFalse();
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      running.toHandle().destroy();
      assertThat(StopCluster.awaitExit(running.toHandle(), Duration.ofSeconds(30))).isTrue();
      assertThat(running.toHandle().isAlive()).isFalse();
    } finally {
      running.destroyForcibly();
    }
  }
}
