package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import java.time.Duration;

/**
 * How long an item waits before it is retried, as client-go's {@code workqueue.RateLimiter}.
 * Implementations are thread-safe and compose (see {@link MaxOfRateLimiter}).
 */
public interface RateLimiter<T> {

  /** The delay before {@code item} is retried; counts one more failure of it. */
  Duration when(T item);

  /** Stops tracking {@code item}: its next failure starts the backoff from scratch. */
  void forget(T item);

  /** How many failures of {@code item} are being tracked. */
  int numRequeues(T item);

  /**
   * client-go's {@code DefaultControllerRateLimiter}: the larger of a per-item exponential backoff
   * (5 ms doubling up to 1000 s) and an overall token bucket (10 qps, burst 100).
   */
  static <T> RateLimiter<T> defaultControllerRateLimiter(Clock clock) {
    return new MaxOfRateLimiter<>(
        new ItemExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
        new BucketRateLimiter<>(10, 100, clock));
  }

  /** {@link #defaultControllerRateLimiter(Clock)} on the system clock. */
  static <T> RateLimiter<T> defaultControllerRateLimiter() {
    return defaultControllerRateLimiter(Clock.system());
  }
}
