package dev.kvx.component.workqueue;

import java.util.Objects;

/**
 * client-go's rate-limiting queue: a {@link DelayingQueue} whose retries wait as long as its {@link
 * RateLimiter} says. Controllers call {@link #addRateLimited} when a sync fails and {@link #forget}
 * when it succeeds, so the next failure starts the backoff from the beginning again.
 */
public class RateLimitingQueue<T> extends DelayingQueue<T> {
  private final RateLimiter<? super T> rateLimiter;

  public RateLimitingQueue(QueueConfig config, RateLimiter<? super T> rateLimiter) {
    super(config);
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
  }

  /** Adds {@code item} after the delay the rate limiter assigns to it (which counts a failure). */
  public void addRateLimited(T item) {
    addAfter(item, rateLimiter.when(item));
  }

  /** Ends the rate limiter's tracking of {@code item}; it does not remove it from the queue. */
  public void forget(T item) {
    rateLimiter.forget(item);
  }

  /** How many times {@code item} has been re-queued through {@link #addRateLimited}. */
  public int numRequeues(T item) {
    return rateLimiter.numRequeues(item);
  }
}
