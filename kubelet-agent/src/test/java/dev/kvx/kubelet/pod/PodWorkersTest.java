package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.clock.FakeClock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PodWorkersTest {
  final ExecutorService executor = Executors.newCachedThreadPool();
  final FakeClock clock = new FakeClock();

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  void neverRunsTwoSyncsOfOnePodAtOnceAndCollapsesRequests() throws Exception {
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicInteger syncs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    PodWorkers workers =
        new PodWorkers(
            executor,
            clock,
            uid -> {
              maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
              syncs.incrementAndGet();
              release.await(10, TimeUnit.SECONDS);
              concurrent.decrementAndGet();
              return null;
            });
    for (int i = 0; i < 20; i++) {
      workers.enqueue("a");
    }
    await().until(() -> syncs.get() == 1);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> concurrent.get() == 0 && syncs.get() == 2);
    assertThat(maxConcurrent.get()).isEqualTo(1);
  }

  @Test
  void differentPodsSyncInParallel() {
    ConcurrentHashMap<String, Boolean> inside = new ConcurrentHashMap<>();
    CountDownLatch both = new CountDownLatch(2);
    PodWorkers workers =
        new PodWorkers(
            executor,
            clock,
            uid -> {
              inside.put(uid, true);
              both.countDown();
              both.await(10, TimeUnit.SECONDS);
              return null;
            });
    workers.enqueue("a");
    workers.enqueue("b");
    await().atMost(Duration.ofSeconds(5)).until(() -> both.getCount() == 0);
  }

  @Test
  void aReturnedDelaySyncsAgainWhenItPasses() {
    AtomicInteger syncs = new AtomicInteger();
    PodWorkers workers =
        new PodWorkers(
            executor, clock, uid -> syncs.incrementAndGet() == 1 ? Duration.ofSeconds(10) : null);
    workers.enqueue("a");
    await().until(() -> syncs.get() == 1);
    clock.step(Duration.ofSeconds(9));
    assertThat(syncs.get()).isEqualTo(1);
    clock.step(Duration.ofSeconds(1));
    await().until(() -> syncs.get() == 2);
  }

  @Test
  void everyDelayedSyncRunsNotOnlyTheFirst() {
    // Each sync asks for another in 10 s, as a pod in back-off does: a timer that fired must not
    // keep later ones from being set.
    AtomicInteger syncs = new AtomicInteger();
    PodWorkers workers =
        new PodWorkers(
            executor,
            clock,
            uid -> {
              syncs.incrementAndGet();
              return Duration.ofSeconds(10);
            });
    workers.enqueue("a");
    await().until(() -> syncs.get() == 1);
    for (int expected = 2; expected <= 4; expected++) {
      int sync = expected;
      // Step the clock only once the sync has set its timer.
      await().atMost(Duration.ofSeconds(5)).until(clock::hasWaiters);
      clock.step(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> syncs.get() == sync);
    }
  }
}
