package dev.kvx.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Drives {@code total} asynchronous operations with at most {@code inFlight} outstanding at once:
 * {@code inFlight} lanes, each starting the next operation when its last one completes (a closed
 * loop, as a client with a fixed pool of callers behaves). Operations are numbered 0…total-1, each
 * started exactly once. The first failure stops every lane and is rethrown.
 *
 * <p>{@link #run} blocks the calling thread until every lane has stopped: call it from the
 * benchmark's main thread, never from an event loop. Completions may arrive on any thread.
 */
public final class BoundedLoad {

  private final int total;
  private final IntFunction<? extends CompletionStage<?>> operation;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch lanesDone;

  private BoundedLoad(
      int total, int inFlight, IntFunction<? extends CompletionStage<?>> operation) {
    this.total = total;
    this.operation = operation;
    this.lanesDone = new CountDownLatch(inFlight);
  }

  /**
   * Runs the operations and returns the wall-clock throughput in operations per second.
   *
   * @throws BenchmarkFailure when an operation failed (its cause attached), or after {@code
   *     timeout} without finishing
   */
  public static double run(
      int total,
      int inFlight,
      long timeout,
      TimeUnit unit,
      IntFunction<? extends CompletionStage<?>> operation)
      throws InterruptedException {
    if (total <= 0 || inFlight <= 0) {
      throw new IllegalArgumentException("total and inFlight must be positive");
    }
    BoundedLoad load = new BoundedLoad(total, inFlight, operation);
    long start = System.nanoTime();
    for (int lane = 0; lane < inFlight; lane++) {
      load.lane();
    }
    if (!load.lanesDone.await(timeout, unit)) {
      load.failure.compareAndSet(null, new IllegalStateException("timed out"));
      throw new BenchmarkFailure(
          load.completed.get()
              + " of "
              + total
              + " operations completed within "
              + timeout
              + " "
              + unit.name().toLowerCase(),
          null);
    }
    long elapsed = System.nanoTime() - start;
    Throwable t = load.failure.get();
    if (t != null) {
      throw new BenchmarkFailure("operation failed: " + t, t);
    }
    return total / (elapsed / 1e9);
  }

  /**
   * Starts operations one after another on this lane. Already completed stages are handled in this
   * loop rather than by a callback, so a fast synchronous operation cannot recurse deeply.
   */
  private void lane() {
    while (true) {
      int i = next.getAndIncrement();
      if (i >= total || failure.get() != null) {
        lanesDone.countDown();
        return;
      }
      CompletableFuture<?> f;
      try {
        f = operation.apply(i).toCompletableFuture();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      if (f.isDone()) {
        completed.incrementAndGet();
        if (f.isCompletedExceptionally()) {
          f.whenComplete((r, e) -> failure.compareAndSet(null, e));
        }
        continue;
      }
      f.whenComplete(
          (r, e) -> {
            completed.incrementAndGet();
            if (e != null) {
              failure.compareAndSet(null, e);
            }
            lane();
          });
      return;
    }
  }
}
