package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.component.clock.FakeClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackOffTest {
  final FakeClock clock = new FakeClock();
  final BackOff backOff = new BackOff(clock, Duration.ofSeconds(10), Duration.ofMinutes(5));

  @Test
  void doublesFromTenSecondsToFiveMinutes() {
    Instant t = clock.now();
    for (long expected : new long[] {10, 20, 40, 80, 160, 300, 300}) {
      backOff.next("k", t);
      assertThat(backOff.get("k")).isEqualTo(Duration.ofSeconds(expected));
      t = t.plusSeconds(1);
    }
  }

  @Test
  void isInBackOffUntilTheDelayHasPassedSinceTheFailure() {
    Instant failed = clock.now();
    assertThat(backOff.isInBackOffSince("k", failed)).isFalse();
    backOff.next("k", failed);
    clock.step(Duration.ofSeconds(9));
    assertThat(backOff.isInBackOffSince("k", failed)).isTrue();
    assertThat(backOff.remaining("k", failed)).isEqualTo(Duration.ofSeconds(1));
    clock.step(Duration.ofSeconds(1));
    assertThat(backOff.isInBackOffSince("k", failed)).isFalse();
  }

  @Test
  void resetsAfterRunningTwiceTheMaximum() {
    Instant t = clock.now();
    backOff.next("k", t);
    backOff.next("k", t.plusSeconds(30));
    assertThat(backOff.get("k")).isEqualTo(Duration.ofSeconds(20));
    backOff.next("k", t.plusSeconds(30).plus(Duration.ofMinutes(10)).plusSeconds(1));
    assertThat(backOff.get("k")).isEqualTo(Duration.ofSeconds(10));
  }
}
