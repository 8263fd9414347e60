package dev.kvx.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedLoadTest {

  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void startsEveryOperationOnceAndNeverMoreThanInFlightAtATime() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    var started = ConcurrentHashMap.<Integer>newKeySet();

    double rate =
        BoundedLoad.run(
            500,
            8,
            1,
            TimeUnit.MINUTES,
            i -> {
              assertThat(started.add(i)).isTrue();
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              CompletableFuture<Void> done = new CompletableFuture<>();
              executor.schedule(
                  () -> {
                    running.decrementAndGet();
                    done.complete(null);
                  },
                  200,
                  TimeUnit.MICROSECONDS);
              return done;
            });

    assertThat(started).hasSize(500).allMatch(i -> i >= 0 && i < 500);
    assertThat(maxRunning.get()).isBetween(2, 8);
    assertThat(rate).isPositive();
  }

  @Test
  void alreadyCompletedOperationsDoNotRecurse() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    BoundedLoad.run(
        200_000,
        1,
        1,
        TimeUnit.MINUTES,
        i -> CompletableFuture.completedFuture(calls.incrementAndGet()));

    assertThat(calls.get()).isEqualTo(200_000);
  }

  @Test
  void firstFailureStopsTheLoadAndIsRethrown() {
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                BoundedLoad.run(
                    10_000,
                    4,
                    1,
                    TimeUnit.MINUTES,
                    i -> {
                      calls.incrementAndGet();
                      return i == 10
                          ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                          : CompletableFuture.supplyAsync(() -> i, executor);
                    }))
        .isInstanceOf(BenchmarkFailure.class)
        .hasRootCauseMessage("boom");
    assertThat(calls.get()).isLessThan(10_000);
  }
}
