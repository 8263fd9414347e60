package dev.kvx.component.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock time made monotonic (anchored once, then advanced by {@link System#nanoTime()}), so
 * durations measured with it never go negative when the system time is adjusted.
 */
final class SystemClock implements Clock {
  static final SystemClock INSTANCE = new SystemClock();

  private static final Logger LOG = LoggerFactory.getLogger(SystemClock.class);

  private final Instant baseInstant = Instant.now();
  private final long baseNanos = System.nanoTime();

  // One timer thread for the whole process, as Go's runtime timers: tasks only hand items to
  // queues, so a single thread keeps up; removeOnCancel keeps cancelled backoffs from piling up.
  private final ScheduledThreadPoolExecutor timers;

  private SystemClock() {
    timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "kvx-clock-timer");
              t.setDaemon(true);
              return t;
            });
    timers.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Instant now() {
    return baseInstant.plusNanos(System.nanoTime() - baseNanos);
  }

  @Override
  public Timer afterFunc(Duration delay, Runnable task) {
    ScheduledFuture<?> future =
        timers.schedule(
            () -> {
              try {
                task.run();
              } catch (RuntimeException e) {
                LOG.error("timer task failed", e);
              }
            },
            Math.max(0, delay.toNanos()),
            TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
