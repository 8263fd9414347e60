package dev.kvx.component.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.component.clock.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RateLimitingQueueTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void exponentialBackoffDoublesFrom5msTo1000sAndForgetResets() {
    var limiter =
        new ItemExponentialFailureRateLimiter<String>(
            Duration.ofMillis(5), Duration.ofSeconds(1000));

    List<Duration> delays = new ArrayList<>();
    IntStream.range(0, 5).forEach(i -> delays.add(limiter.when("ns/a")));
    assertThat(delays)
        .containsExactly(
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(20),
            Duration.ofMillis(40),
            Duration.ofMillis(80));
    assertThat(limiter.numRequeues("ns/a")).isEqualTo(5);
    assertThat(limiter.when("ns/b")).as("per item").isEqualTo(Duration.ofMillis(5));

    IntStream.range(0, 100).forEach(i -> limiter.when("ns/a"));
    assertThat(limiter.when("ns/a")).as("capped").isEqualTo(Duration.ofSeconds(1000));

    limiter.forget("ns/a");
    assertThat(limiter.numRequeues("ns/a")).isZero();
    assertThat(limiter.when("ns/a")).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void bucketAllowsBurstThenPacesAtQps() {
    var bucket = new BucketRateLimiter<String>(10, 100, clock);

    for (int i = 0; i < 100; i++) {
      assertThat(bucket.when("k" + i)).as("token %d of the burst", i).isZero();
    }
    assertThat(bucket.when("x")).isEqualTo(Duration.ofMillis(100));
    assertThat(bucket.when("y")).isEqualTo(Duration.ofMillis(200));

    clock.step(Duration.ofSeconds(1)); // 10 tokens back; 2 already reserved
    for (int i = 0; i < 8; i++) {
      assertThat(bucket.when("z" + i)).isZero();
    }
    assertThat(bucket.when("late")).isEqualTo(Duration.ofMillis(100));
    assertThat(bucket.numRequeues("x")).isZero();
  }

  @Test
  void defaultControllerRateLimiterTakesTheLongerOfBoth() {
    RateLimiter<String> limiter = RateLimiter.defaultControllerRateLimiter(clock);

    assertThat(limiter.when("ns/a")).isEqualTo(Duration.ofMillis(5));
    assertThat(limiter.when("ns/a")).isEqualTo(Duration.ofMillis(10));
    for (int i = 0; i < 98; i++) {
      limiter.when("other-" + i); // the overall bucket (burst 100) is now empty
    }
    // The item's own backoff would be 20 ms; the empty bucket makes it wait 100 ms.
    assertThat(limiter.when("ns/a")).isEqualTo(Duration.ofMillis(100));
    assertThat(limiter.numRequeues("ns/a")).isEqualTo(3);
    limiter.forget("ns/a");
    assertThat(limiter.numRequeues("ns/a")).isZero();
  }

  @Test
  void addRateLimitedWaitsOnTheClockAndForgetResetsBackoff() throws Exception {
    var q =
        new RateLimitingQueue<String>(
            QueueConfig.named("rl").withClock(clock),
            new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1)));

    q.addRateLimited("ns/a");
    assertThat(q.len()).isZero();
    clock.step(Duration.ofMillis(4));
    assertThat(q.len()).isZero();
    clock.step(Duration.ofMillis(1));
    assertThat(q.len()).isEqualTo(1);
    q.done(q.get());

    q.addRateLimited("ns/a"); // second failure: 10 ms
    clock.step(Duration.ofMillis(9));
    assertThat(q.len()).isZero();
    clock.step(Duration.ofMillis(1));
    assertThat(q.len()).isEqualTo(1);
    assertThat(q.numRequeues("ns/a")).isEqualTo(2);
    q.done(q.get());

    q.forget("ns/a");
    assertThat(q.numRequeues("ns/a")).isZero();
    q.addRateLimited("ns/a");
    clock.step(Duration.ofMillis(5));
    assertThat(q.len()).isEqualTo(1);
  }

  @Test
  void addAfterKeepsTheEarliestReadyTime() throws Exception {
    var q = new DelayingQueue<String>(QueueConfig.named("delay").withClock(clock));

    q.addAfter("ns/a", Duration.ofSeconds(10));
    q.addAfter("ns/a", Duration.ofSeconds(2)); // earlier: moves it forward
    q.addAfter("ns/a", Duration.ofSeconds(5)); // later: ignored
    clock.step(Duration.ofSeconds(2));
    assertThat(q.len()).isEqualTo(1);
    assertThat(q.get()).isEqualTo("ns/a");
    q.done("ns/a");

    clock.step(Duration.ofSeconds(10));
    assertThat(q.len()).as("superseded timers add nothing").isZero();
    assertThat(clock.hasWaiters()).isFalse();
  }

  @Test
  void addAfterWithoutDelayAddsAtOnceAndShutDownCancelsWaiting() {
    var q = new DelayingQueue<String>(QueueConfig.named("delay2").withClock(clock));
    q.addAfter("ns/now", Duration.ZERO);
    assertThat(q.len()).isEqualTo(1);

    q.addAfter("ns/later", Duration.ofSeconds(1));
    q.shutDown();
    assertThat(clock.hasWaiters()).isFalse();
    clock.step(Duration.ofSeconds(2));
    assertThat(q.len()).isEqualTo(1);
  }
}
