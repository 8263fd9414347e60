package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * client-go's delaying queue: a {@link WorkQueue} that can add an item after a delay.
 *
 * <p>Each waiting item has one timer on the queue's {@link Clock}; adding an item again with an
 * earlier time moves it forward, with a later time changes nothing (client-go keeps the earliest
 * ready time as well). Waiting items do not count in {@link #len}.
 */
public class DelayingQueue<T> extends WorkQueue<T> {
  private final Map<T, Waiting> waiting = new HashMap<>();

  public DelayingQueue(QueueConfig config) {
    super(config);
  }

  /** Adds {@code item} once {@code delay} has passed; at once when the delay is not positive. */
  public void addAfter(T item, Duration delay) {
    if (shuttingDown()) {
      return;
    }
    metrics.retry();
    if (delay.isNegative() || delay.isZero()) {
      add(item);
      return;
    }
    Instant readyAt = clock.now().plus(delay);
    Waiting entry = new Waiting(readyAt);
    Waiting replaced;
    synchronized (waiting) {
      Waiting existing = waiting.get(item);
      if (existing != null && !existing.readyAt.isAfter(readyAt)) {
        return; // an earlier timer adds it anyway
      }
      waiting.put(item, entry);
      replaced = existing;
    }
    if (replaced != null) {
      replaced.cancel();
    }
    // Outside the map's monitor: a clock may run an already-due task synchronously.
    Clock.Timer timer = clock.afterFunc(delay, () -> fire(item, entry));
    entry.setTimer(timer);
  }

  private void fire(T item, Waiting entry) {
    synchronized (waiting) {
      if (waiting.get(item) != entry) {
        return; // superseded by an earlier addAfter
      }
      waiting.remove(item);
    }
    add(item);
  }

  @Override
  protected void onShutDown() {
    List<Waiting> pending;
    synchronized (waiting) {
      pending = new ArrayList<>(waiting.values());
      waiting.clear();
    }
    pending.forEach(Waiting::cancel);
    super.onShutDown();
  }

  private static final class Waiting {
    final Instant readyAt;
    private Clock.Timer timer;
    private boolean cancelled;

    Waiting(Instant readyAt) {
      this.readyAt = readyAt;
    }

    synchronized void setTimer(Clock.Timer timer) {
      this.timer = timer;
      if (cancelled) {
        timer.cancel();
      }
    }

    synchronized void cancel() {
      cancelled = true;
      if (timer != null) {
        timer.cancel();
      }
    }
  }
}
