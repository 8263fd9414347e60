package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * client-go's work queue ({@code workqueue.Typed}): a FIFO that de-duplicates and never hands one
 * item to two workers at once.
 *
 * <ul>
 *   <li>An item added while already queued is queued once.
 *   <li>An item added while a worker processes it is queued again when that worker calls {@link
 *       #done}, never before: so concurrent workers never process the same key at the same time.
 *   <li>{@link #get} blocks until an item is available or the queue shuts down.
 * </ul>
 *
 * <p>Thread-safe. Workers are plain threads that own their loop; {@link #get} blocks, so it must
 * never be called on a Vert.x event loop.
 */
public class WorkQueue<T> {
  protected final String name;
  protected final Clock clock;
  final QueueMetrics<T> metrics;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  // Items that need processing: queued ones, and processing ones that were added again.
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private boolean shuttingDown;
  private boolean drain;

  public WorkQueue(QueueConfig config) {
    this.name = config.name();
    this.clock = config.clock();
    this.metrics = new QueueMetrics<>(config);
  }

  public String name() {
    return name;
  }

  /** Marks {@code item} as needing processing. Ignored once the queue is shutting down. */
  public void add(T item) {
    Objects.requireNonNull(item, "item");
    lock.lock();
    try {
      if (shuttingDown || dirty.contains(item)) {
        return;
      }
      metrics.add(item);
      dirty.add(item);
      if (processing.contains(item)) {
        return; // re-queued by done()
      }
      queue.addLast(item);
      changed.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The number of items waiting to be processed (not those being processed). */
  public int len() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Blocks until an item can be processed and returns it; the caller must call {@link #done} with
   * it when finished. Returns {@code null} once the queue is shut down and empty: the worker must
   * then exit.
   */
  public T get() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        changed.await();
      }
      if (queue.isEmpty()) {
        return null; // shutting down
      }
      T item = queue.pollFirst();
      metrics.get(item);
      processing.add(item);
      dirty.remove(item);
      return item;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks {@code item} as processed. If it was added again meanwhile, it is queued once more now.
   */
  public void done(T item) {
    lock.lock();
    try {
      metrics.done(item);
      processing.remove(item);
      if (dirty.contains(item)) {
        queue.addLast(item);
        changed.signal();
      } else if (processing.isEmpty()) {
        changed.signalAll(); // wakes shutDownWithDrain
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting items and wakes all waiting {@link #get} calls; queued items still drain. */
  public void shutDown() {
    lock.lock();
    try {
      drain = false;
      shuttingDown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onShutDown();
  }

  /**
   * Like {@link #shutDown}, then blocks until every item being processed is {@link #done}. Must be
   * called by a thread that is not itself processing an item of this queue.
   */
  public void shutDownWithDrain() throws InterruptedException {
    lock.lock();
    try {
      drain = true;
      shuttingDown = true;
      changed.signalAll();
      while (!processing.isEmpty() && drain) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
    onShutDown();
  }

  public boolean shuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }

  /** Hook for subclasses to release timers; called once the queue is shutting down. */
  protected void onShutDown() {
    metrics.close();
  }
}
