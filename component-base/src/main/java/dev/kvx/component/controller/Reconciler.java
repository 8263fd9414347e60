package dev.kvx.component.controller;

import java.time.Duration;
import java.util.Objects;

/**
 * The one thing a controller implements: bring the object named by {@code key} to its desired state
 * (sample-controller's {@code syncHandler}).
 *
 * <p>Contract: idempotent and level-triggered (read the current state from the listers; the key may
 * name an object that no longer exists); blocking is allowed (it runs on one of the controller's
 * own worker threads, never on an event loop); never called concurrently for the same key. Throwing
 * requeues the key with the rate limiter's backoff; returning resets the backoff.
 */
@FunctionalInterface
public interface Reconciler {

  Result reconcile(String key) throws Exception;

  /** What to do with the key after a successful reconcile. */
  record Result(Duration requeueAfter) {
    /** Nothing more to do until an event enqueues the key again. */
    public static final Result DONE = new Result(null);

    /**
     * Reconcile again after {@code delay} (e.g. a CronJob's next schedule), even without events.
     */
    public static Result requeueAfter(Duration delay) {
      return new Result(Objects.requireNonNull(delay, "delay"));
    }
  }
}
