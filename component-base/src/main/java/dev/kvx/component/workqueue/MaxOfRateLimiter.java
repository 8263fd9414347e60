package dev.kvx.component.workqueue;

import java.time.Duration;
import java.util.List;

/**
 * Composes rate limiters as client-go's {@code MaxOfRateLimiter}: every limiter sees every call,
 * the longest delay wins.
 */
public final class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private final List<RateLimiter<? super T>> limiters;

  @SafeVarargs
  public MaxOfRateLimiter(RateLimiter<? super T>... limiters) {
    this.limiters = List.of(limiters);
  }

  @Override
  public Duration when(T item) {
    Duration max = Duration.ZERO;
    for (RateLimiter<? super T> limiter : limiters) {
      Duration d = limiter.when(item);
      if (d.compareTo(max) > 0) {
        max = d;
      }
    }
    return max;
  }

  @Override
  public void forget(T item) {
    limiters.forEach(l -> l.forget(item));
  }

  @Override
  public int numRequeues(T item) {
    int max = 0;
    for (RateLimiter<? super T> limiter : limiters) {
      max = Math.max(max, limiter.numRequeues(item));
    }
    return max;
  }
}
