package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * An overall token bucket over all items, as client-go's {@code BucketRateLimiter} on
 * golang.org/x/time/rate: it starts full ({@code burst} tokens), refills at {@code qps}, and every
 * {@link #when} reserves one token, waiting for it when the bucket is empty. It does not track
 * items, so {@link #forget} does nothing and {@link #numRequeues} is 0.
 */
public final class BucketRateLimiter<T> implements RateLimiter<T> {
  private final double qps;
  private final int burst;
  private final Clock clock;
  private double tokens;
  private Instant last;

  public BucketRateLimiter(double qps, int burst, Clock clock) {
    if (qps <= 0 || burst < 1) {
      throw new IllegalArgumentException("qps must be > 0 and burst >= 1");
    }
    this.qps = qps;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.last = clock.now();
  }

  @Override
  public synchronized Duration when(T item) {
    Instant now = clock.now();
    if (now.isAfter(last)) {
      double elapsedSeconds = Duration.between(last, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + elapsedSeconds * qps);
      last = now;
    }
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    // A negative balance is a reservation of future tokens: wait until it is paid back.
    return Duration.ofNanos((long) Math.ceil(-tokens / qps * 1e9));
  }

  @Override
  public void forget(T item) {}

  @Override
  public int numRequeues(T item) {
    return 0;
  }
}
