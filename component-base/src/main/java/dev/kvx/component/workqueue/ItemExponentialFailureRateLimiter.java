package dev.kvx.component.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-item exponential backoff, as client-go's: the n-th failure of an item (counting from 0) waits
 * {@code baseDelay * 2^n}, capped at {@code maxDelay}.
 */
public final class ItemExponentialFailureRateLimiter<T> implements RateLimiter<T> {
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Map<T, Integer> failures = new HashMap<>();

  public ItemExponentialFailureRateLimiter(Duration baseDelay, Duration maxDelay) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  @Override
  public synchronized Duration when(T item) {
    int exp = failures.getOrDefault(item, 0);
    failures.put(item, exp + 1);
    // Computed in floating point, as client-go does, so huge exponents saturate instead of
    // wrapping.
    double backoffNanos = baseDelay.toNanos() * Math.pow(2, exp);
    if (backoffNanos >= maxDelay.toNanos()) {
      return maxDelay;
    }
    return Duration.ofNanos((long) backoffNanos);
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int numRequeues(T item) {
    return failures.getOrDefault(item, 0);
  }
}
