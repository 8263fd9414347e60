package dev.kvx.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestLimiterTest {

  @Test
  void startsAtMostMaxInFlightAndTheRestInOrderAsSlotsFree() {
    RequestLimiter limiter = new RequestLimiter(2, -1);
    List<CompletableFuture<Integer>> requests = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      CompletableFuture<Integer> request = new CompletableFuture<>();
      requests.add(request);
      results.add(
          limiter.submit(
              () -> {
                started.add(n);
                return request;
              }));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(limiter.inFlight()).isEqualTo(2);
    assertThat(limiter.queued()).isEqualTo(3);

    requests.get(1).complete(1);
    assertThat(results.get(1)).isCompletedWithValue(1);
    assertThat(started).containsExactly(0, 1, 2);

    requests.get(0).completeExceptionally(new IllegalStateException("boom"));
    assertThat(results.get(0)).isCompletedExceptionally();
    assertThat(started).containsExactly(0, 1, 2, 3);
    assertThat(limiter.inFlight()).isEqualTo(2);
    assertThat(limiter.queued()).isEqualTo(1);

    requests.get(2).complete(2);
    requests.get(3).complete(3);
    requests.get(4).complete(4);
    assertThat(results).allSatisfy(r -> assertThat(r).isDone());
    assertThat(limiter.inFlight()).isZero();
    assertThat(limiter.queued()).isZero();
  }

  @Test
  void rejectsBeyondTheQueueBound() {
    RequestLimiter limiter = new RequestLimiter(1, 1);
    CompletableFuture<Void> blocker = new CompletableFuture<>();
    CompletableFuture<Void> first = limiter.submit(() -> blocker);
    CompletableFuture<Void> queued = limiter.submit(() -> CompletableFuture.completedFuture(null));
    CompletableFuture<Void> rejected =
        limiter.submit(() -> CompletableFuture.completedFuture(null));

    assertThat(rejected)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RejectedExecutionException.class);
    blocker.complete(null);
    assertThat(first).isCompleted();
    assertThat(queued).isCompleted();
  }

  @Test
  void requestsFailingAtOnceDoNotRecurseThroughTheQueue() {
    // A closed client fails every request at once: 10k queued requests must not nest 10k deep
    // (a StackOverflowError there is swallowed by CompletableFuture and strands the rest).
    RequestLimiter limiter = new RequestLimiter(1, -1);
    CompletableFuture<Void> blocker = new CompletableFuture<>();
    limiter.submit(() -> blocker);
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<Void>> results = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      results.add(
          limiter.submit(
              () -> {
                throw new IllegalStateException("client closed");
              }));
    }
    results.forEach(r -> r.whenComplete((v, e) -> failed.incrementAndGet()));

    blocker.complete(null);

    assertThat(failed).hasValue(10_000);
    assertThat(limiter.inFlight()).isZero();
  }
}
