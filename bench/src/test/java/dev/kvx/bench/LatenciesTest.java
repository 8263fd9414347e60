package dev.kvx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void nearestRankPercentilesInMillis() {
    Latencies l = new Latencies(50);
    for (int i = 50; i >= 1; i--) {
      l.add(i * 1_000_000L); // 1 ms … 50 ms, added out of order
    }

    assertThat(l.percentileMillis(50)).isEqualTo(25.0);
    assertThat(l.percentileMillis(99)).isEqualTo(50.0);
    assertThat(l.percentileMillis(100)).isEqualTo(50.0);
    assertThat(l.percentileMillis(1)).isEqualTo(1.0);
  }
}
