package dev.kvx.component.clock;

import java.time.Duration;
import java.time.Instant;

/**
 * The time source of queues, rate limiters and controllers, as k8s.io/utils/clock is for client-go.
 *
 * <p>It is injected so that tests step a {@link FakeClock} instead of sleeping. Production code
 * uses {@link #system()}.
 */
public interface Clock {

  /** The current time. For the system clock it never goes backwards within one process. */
  Instant now();

  /**
   * Runs {@code task} once {@code delay} has passed on this clock, like Go's {@code
   * time.AfterFunc}.
   *
   * <p>The task runs on the clock's timer thread (for {@link FakeClock}: on the thread that steps
   * the clock), so it must be short and must not block: hand real work to a queue.
   */
  Timer afterFunc(Duration delay, Runnable task);

  /** The time elapsed since {@code start} on this clock. */
  default Duration since(Instant start) {
    return Duration.between(start, now());
  }

  /** The real, monotonic clock with one shared daemon timer thread. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** A pending {@link #afterFunc} task. */
  interface Timer {
    /** Stops the task from running; false if it already ran or was cancelled before. */
    boolean cancel();
  }
}
