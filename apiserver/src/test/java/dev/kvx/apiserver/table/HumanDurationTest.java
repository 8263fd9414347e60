package dev.kvx.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanDurationTest {

  @ParameterizedTest(name = "{0}s -> {1}")
  @CsvSource({
      "0, 0s", "5, 5s", "119, 119s", "120, 2m", "182, 3m2s", "599, 9m59s", "600, 10m",
      "10799, 179m", "10800, 3h", "14700, 4h5m", "28799, 7h59m", "28800, 8h", "172799, 47h",
      "172800, 2d", "183600, 2d3h", "691199, 7d23h", "691200, 8d", "864000, 10d",
      "63071999, 729d", "63072000, 2y", "98064000, 3y40d", "252288000, 8y", "-1, 0s", "-3, <invalid>"})
  void formatsLikeApimachinery(long seconds, String expected) {
    assertThat(HumanDuration.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void toleratesSubSecondClockSkewAndUnknownTimes() {
    Instant now = Instant.parse("2024-06-01T12:00:00Z");

    assertThat(HumanDuration.since(now.plusMillis(1500), now)).isEqualTo("0s");
    assertThat(HumanDuration.since(now.plusMillis(2500), now)).isEqualTo("<invalid>");
    assertThat(HumanDuration.since(null, now)).isEqualTo("<unknown>");
  }
}
