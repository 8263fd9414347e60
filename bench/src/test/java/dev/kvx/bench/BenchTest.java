package dev.kvx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchTest {

  @Test
  void unknownOrMissingBenchmarkIsAUsageError() {
    assertThat(Bench.run("no-such-bench")).isEqualTo(Bench.USAGE);
    assertThat(Bench.run()).isEqualTo(Bench.USAGE);
  }

  @Test
  void badOptionOfAKnownBenchmarkIsAUsageError() {
    assertThat(Bench.run("apiserver", "--store=cassandra")).isEqualTo(Bench.USAGE);
  }

  @Test
  void apiserverIsRegistered() {
    assertThat(Bench.names()).contains("apiserver");
  }
}
