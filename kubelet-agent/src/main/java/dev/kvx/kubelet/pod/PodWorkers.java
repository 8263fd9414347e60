package dev.kvx.kubelet.pod;

import dev.kvx.component.clock.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker per pod, as the kubelet's pod_workers.go: every event for a pod (an API update, a
 * container that changed, a probe result, a timer) asks its worker to sync, and the worker runs at
 * most one sync of that pod at a time. Requests arriving during a sync collapse into one more sync
 * right after it. Syncs of different pods run in parallel on the executor (a cached pool gives each
 * busy pod its own thread, as a goroutine per pod would).
 *
 * <p>A sync returns when to sync again without an event (a back-off expiring) or null; a failed
 * sync is retried after a back-off doubling from 1 s to 30 s. Thread-safe.
 */
public final class PodWorkers {
  private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);
  static final Duration ERROR_BACKOFF_MIN = Duration.ofSeconds(1);
  static final Duration ERROR_BACKOFF_MAX = Duration.ofSeconds(30);

  /** The sync of one pod. Blocking is fine: it runs on a pod worker thread. */
  @FunctionalInterface
  public interface SyncHandler {
    /**
     * Syncs the pod with {@code uid}; returns when to sync it again even without events, or null.
     */
    Duration sync(String uid) throws Exception;
  }

  private final ExecutorService executor;
  private final Clock clock;
  private final SyncHandler handler;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private volatile boolean shutDown;

  public PodWorkers(ExecutorService executor, Clock clock, SyncHandler handler) {
    this.executor = executor;
    this.clock = clock;
    this.handler = handler;
  }

  /** Asks for a sync of the pod as soon as its worker is free. */
  public void enqueue(String uid) {
    if (shutDown) {
      return;
    }
    Worker w = workers.computeIfAbsent(uid, Worker::new);
    boolean submit;
    synchronized (w) {
      if (w.running) {
        w.pending = true;
        submit = false;
      } else {
        w.running = true;
        w.pending = false;
        submit = true;
      }
    }
    if (submit) {
      submit(w);
    }
  }

  /** Asks for a sync after {@code delay} (an earlier pending timer wins). */
  public void enqueueAfter(String uid, Duration delay) {
    if (shutDown) {
      return;
    }
    Worker w = workers.computeIfAbsent(uid, Worker::new);
    synchronized (w) {
      java.time.Instant due = clock.now().plus(delay);
      if (w.timer != null && w.timerDue != null && !w.timerDue.isAfter(due)) {
        return;
      }
      if (w.timer != null) {
        w.timer.cancel();
      }
      w.timerDue = due;
      w.timer = clock.afterFunc(delay, () -> fired(w, due));
    }
  }

  // A timer that fired is pending no more: later delays must set timers of their own. (The due
  // instant tells this timer from a newer one that replaced it.)
  private void fired(Worker w, java.time.Instant due) {
    synchronized (w) {
      if (w.timerDue == due) {
        w.timer = null;
        w.timerDue = null;
      }
    }
    enqueue(w.uid);
  }

  /** Whether a worker exists for the pod (it was seen and not forgotten). */
  public boolean known(String uid) {
    return workers.containsKey(uid);
  }

  /** Stops taking requests; running syncs finish. */
  public void shutDown() {
    shutDown = true;
    for (Worker w : workers.values()) {
      synchronized (w) {
        if (w.timer != null) {
          w.timer.cancel();
        }
      }
    }
  }

  private void submit(Worker w) {
    try {
      executor.execute(() -> run(w));
    } catch (RejectedExecutionException e) {
      synchronized (w) {
        w.running = false;
      }
    }
  }

  private void run(Worker w) {
    Duration again = null;
    boolean failed = false;
    try {
      again = handler.sync(w.uid);
      w.errors = 0;
    } catch (Exception | LinkageError e) {
      failed = true;
      w.errors++;
      if (shutDown) {
        LOG.debug("Sync of pod {} interrupted by shutdown: {}", w.uid, e.toString());
      } else {
        LOG.warn("Error syncing pod {} (attempt {}), retrying", w.uid, w.errors, e);
      }
    }
    if (failed) {
      long factor = 1L << Math.min(10, w.errors - 1);
      Duration backoff = ERROR_BACKOFF_MIN.multipliedBy(factor);
      again = backoff.compareTo(ERROR_BACKOFF_MAX) > 0 ? ERROR_BACKOFF_MAX : backoff;
    }
    boolean resubmit;
    synchronized (w) {
      resubmit = w.pending && !shutDown;
      w.pending = false;
      w.running = resubmit;
    }
    if (again != null) {
      enqueueAfter(w.uid, again);
    }
    if (resubmit) {
      submit(w);
    }
  }

  /** Forgets a pod whose sync found nothing left to do (removed from API and runtime). */
  public void forget(String uid) {
    Worker w = workers.get(uid);
    if (w == null) {
      return;
    }
    synchronized (w) {
      if (w.timer != null) {
        w.timer.cancel();
      }
      if (!w.pending) {
        workers.remove(uid, w);
      }
    }
  }

  private static final class Worker {
    final String uid;
    boolean running;
    boolean pending;
    int errors;
    Clock.Timer timer;
    java.time.Instant timerDue;

    Worker(String uid) {
      this.uid = uid;
    }
  }
}
