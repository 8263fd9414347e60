package dev.kvx.controller.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

/**
 * upstream's {@code slowStartBatch}: runs {@code count} calls in batches of 1, 2, 4, … and stops
 * after the first batch with a failure, so a controller that cannot create (quota, admission) makes
 * one failing call instead of hundreds.
 */
public final class SlowStart {
  /** Upstream's {@code SlowStartInitialBatchSize}. */
  public static final int INITIAL_BATCH_SIZE = 1;

  // Calls inside one batch run in parallel, as upstream's goroutines; threads are reused.
  private static final ExecutorService CALLS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "kvx-slow-start");
            t.setDaemon(true);
            return t;
          });

  private SlowStart() {}

  /** The outcome: how many calls succeeded and the errors of the failed ones. */
  public record Outcome(int successes, List<Exception> errors) {
    public boolean failed() {
      return !errors.isEmpty();
    }
  }

  /**
   * Calls {@code call.apply(i)} for i in [0, count) in growing batches. The call throws on failure.
   * Calls not made because an earlier batch failed count as neither success nor error: the caller
   * takes {@code count - successes - errors.size()} as skipped.
   */
  public static Outcome run(int count, int initialBatchSize, IntFunction<Void> call) {
    int successes = 0;
    List<Exception> errors = new ArrayList<>();
    int index = 0;
    for (int batch = Math.min(count, initialBatchSize); batch > 0; ) {
      List<CompletableFuture<Exception>> futures = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        int n = index++;
        futures.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    call.apply(n);
                    return null;
                  } catch (Exception e) {
                    return e;
                  }
                },
                CALLS));
      }
      for (CompletableFuture<Exception> f : futures) {
        Exception e = f.join();
        if (e == null) {
          successes++;
        } else {
          errors.add(e);
        }
      }
      if (!errors.isEmpty()) {
        break;
      }
      batch = Math.min(2 * batch, count - index);
    }
    return new Outcome(successes, errors);
  }

  /** Runs all {@code count} calls at once (one batch), as upstream's parallel deletes. */
  public static Outcome parallel(int count, IntFunction<Void> call) {
    return run(count, Math.max(count, 1), call);
  }
}
