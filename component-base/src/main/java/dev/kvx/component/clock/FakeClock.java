package dev.kvx.component.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that moves only when a test {@link #step steps} it, as k8s.io/utils/clock/testing's
 * FakeClock. Due {@link #afterFunc} tasks run on the stepping thread, in deadline order, before
 * {@code step} returns, so tests are deterministic and never sleep.
 */
public final class FakeClock implements Clock {
  private static final Comparator<Waiter> BY_DEADLINE =
      Comparator.comparing((Waiter w) -> w.deadline).thenComparingLong(w -> w.seq);

  private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(BY_DEADLINE);
  private Instant now;
  private long seq;

  public FakeClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public FakeClock(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public Timer afterFunc(Duration delay, Runnable task) {
    Waiter waiter;
    synchronized (this) {
      waiter = new Waiter(now.plus(delay), seq++, task);
      if (delay.isNegative() || delay.isZero()) {
        waiter.done = true;
      } else {
        waiters.add(waiter);
      }
    }
    if (waiter.done) {
      task.run(); // already due: fire now, outside the clock's monitor
    }
    return () -> cancel(waiter);
  }

  /** Advances the clock by {@code d} and runs every task that became due. */
  public void step(Duration d) {
    Instant target;
    synchronized (this) {
      target = now.plus(d);
    }
    setTime(target);
  }

  /** Moves the clock to {@code t} (never backwards) and runs every task that became due. */
  public void setTime(Instant t) {
    List<Waiter> due = new ArrayList<>();
    synchronized (this) {
      if (t.isAfter(now)) {
        now = t;
      }
      while (!waiters.isEmpty() && !waiters.peek().deadline.isAfter(now)) {
        Waiter w = waiters.poll();
        w.done = true;
        due.add(w);
      }
    }
    for (Waiter w : due) {
      w.task.run();
    }
  }

  /** Whether any {@link #afterFunc} task is pending. */
  public synchronized boolean hasWaiters() {
    return !waiters.isEmpty();
  }

  private synchronized boolean cancel(Waiter w) {
    if (w.done) {
      return false;
    }
    w.done = true;
    return waiters.remove(w);
  }

  private static final class Waiter {
    final Instant deadline;
    final long seq;
    final Runnable task;
    boolean done;

    Waiter(Instant deadline, long seq, Runnable task) {
      this.deadline = deadline;
      this.seq = seq;
      this.task = task;
    }
  }
}
