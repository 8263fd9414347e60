package dev.kvx.component.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void stepRunsDueTasksInDeadlineOrder() {
    FakeClock clock = new FakeClock();
    List<String> ran = new ArrayList<>();
    clock.afterFunc(Duration.ofSeconds(3), () -> ran.add("3s"));
    clock.afterFunc(Duration.ofSeconds(1), () -> ran.add("1s"));
    clock.afterFunc(Duration.ofSeconds(2), () -> ran.add("2s"));

    clock.step(Duration.ofMillis(1999));
    assertThat(ran).containsExactly("1s");

    clock.step(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("1s", "2s", "3s");
    assertThat(clock.hasWaiters()).isFalse();
  }

  @Test
  void cancelledTaskNeverRuns() {
    FakeClock clock = new FakeClock();
    List<String> ran = new ArrayList<>();
    Clock.Timer timer = clock.afterFunc(Duration.ofSeconds(1), () -> ran.add("x"));

    assertThat(timer.cancel()).isTrue();
    clock.step(Duration.ofSeconds(2));

    assertThat(ran).isEmpty();
    assertThat(timer.cancel()).isFalse();
  }

  @Test
  void zeroDelayRunsAtOnce() {
    FakeClock clock = new FakeClock();
    List<String> ran = new ArrayList<>();
    clock.afterFunc(Duration.ZERO, () -> ran.add("now"));
    assertThat(ran).containsExactly("now");
  }

  @Test
  void systemClockIsMonotonicAndFiresTimers() throws Exception {
    Clock clock = Clock.system();
    var before = clock.now();
    var fired = new java.util.concurrent.CountDownLatch(1);
    clock.afterFunc(Duration.ofMillis(5), fired::countDown);
    assertThat(fired.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(clock.now()).isAfterOrEqualTo(before);
  }
}
