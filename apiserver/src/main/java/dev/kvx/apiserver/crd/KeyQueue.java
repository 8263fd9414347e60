package dev.kvx.apiserver.crd;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A de-duplicating work queue on one Vert.x context, as client-go's workqueue for a reconciler
 * that lives inside the API server: a key is never processed twice at once, keys added while
 * one runs are processed once more afterwards, and failures are retried with exponential backoff
 * (100 ms doubling to 5 s). The worker returns a Future; it is called on the queue's context.
 */
final class KeyQueue {

  private static final Logger LOG = LoggerFactory.getLogger(KeyQueue.class);
  private static final long MAX_BACKOFF_MS = 5000;

  private final Context context;
  private final Function<String, Future<?>> worker;
  private final Map<String, List<Promise<Void>>> pending = new HashMap<>();
  private final Set<String> running = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private volatile boolean closed;

  KeyQueue(Context context, Function<String, Future<?>> worker) {
    this.context = context;
    this.worker = worker;
  }

  /**
   * Queues {@code key}; the Future completes when a run that started after this call has
   * finished, successfully or not (a failed run is retried later on its own). Any thread.
   */
  Future<Void> add(String key) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (closed) {
        done.tryComplete();
        return;
      }
      pending.computeIfAbsent(key, k -> new ArrayList<>()).add(done);
      if (!running.contains(key)) {
        run(key);
      }
    });
    return done.future();
  }

  /** Queues {@code key} after a delay (requeue for a condition that is not met yet). */
  void addAfter(String key, long delayMs) {
    if (!closed) {
      context.owner().setTimer(delayMs, t -> add(key));
    }
  }

  void close() {
    closed = true;
  }

  private void run(String key) {
    List<Promise<Void>> waiters = pending.remove(key);
    running.add(key);
    Future<?> result;
    try {
      result = worker.apply(key);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> context.runOnContext(v -> {
      running.remove(key);
      if (ar.failed()) {
        int n = failures.merge(key, 1, Integer::sum);
        long delay = Math.min(MAX_BACKOFF_MS, 100L << Math.min(n - 1, 10));
        LOG.warn("reconciling {} failed ({}), retrying in {} ms", key, ar.cause().toString(), delay);
        addAfter(key, delay);
      } else {
        failures.remove(key);
      }
      waiters.forEach(Promise::tryComplete);
      if (pending.containsKey(key) && !closed) {
        run(key);
      }
    }));
  }
}
