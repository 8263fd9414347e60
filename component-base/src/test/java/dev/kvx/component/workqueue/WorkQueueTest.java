package dev.kvx.component.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  private static WorkQueue<String> newQueue() {
    return new WorkQueue<>(QueueConfig.named("test"));
  }

  @Test
  void itemAddedWhileQueuedIsQueuedOnce() throws Exception {
    WorkQueue<String> q = newQueue();
    q.add("ns/a");
    q.add("ns/b");
    q.add("ns/a");

    assertThat(q.len()).isEqualTo(2);
    assertThat(q.get()).isEqualTo("ns/a");
    assertThat(q.get()).isEqualTo("ns/b");
    assertThat(q.len()).isZero();
  }

  @Test
  void itemAddedWhileProcessingIsRequeuedOnlyAfterDone() throws Exception {
    WorkQueue<String> q = newQueue();
    q.add("ns/a");
    String item = q.get();

    q.add("ns/a");
    q.add("ns/a");
    assertThat(q.len()).as("not handed out while processing").isZero();

    q.done(item);
    assertThat(q.len()).isEqualTo(1);
    assertThat(q.get()).isEqualTo("ns/a");
    q.done("ns/a");
    assertThat(q.len()).isZero();
  }

  @Test
  void noKeyIsProcessedByTwoWorkersAtOnce() throws Exception {
    WorkQueue<String> q = newQueue();
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    AtomicBoolean overlap = new AtomicBoolean();
    AtomicInteger processed = new AtomicInteger();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  String key;
                  while ((key = q.get()) != null) {
                    if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet()
                        > 1) {
                      overlap.set(true);
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                    inFlight.get(key).decrementAndGet();
                    processed.incrementAndGet();
                    q.done(key);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.start();
      workers.add(t);
    }
    for (int i = 0; i < 20_000; i++) {
      q.add("ns/key-" + (i % 3));
    }
    q.shutDownWithDrain();
    for (Thread t : workers) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }

    assertThat(overlap).as("a key was processed by two workers at once").isFalse();
    assertThat(processed.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void shutDownUnblocksWaitingGetters() throws Exception {
    WorkQueue<String> q = newQueue();
    int getters = 3;
    CountDownLatch returned = new CountDownLatch(getters);
    List<String> results = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < getters; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  results.add(String.valueOf(q.get()));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                returned.countDown();
              });
      t.start();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> hasWaiters(q, getters));
    assertThat(returned.getCount()).isEqualTo(getters);

    q.shutDown();

    assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(results).containsOnly("null");
    assertThat(q.shuttingDown()).isTrue();
  }

  @Test
  void addAfterShutDownIsIgnoredButQueuedItemsDrain() throws Exception {
    WorkQueue<String> q = newQueue();
    q.add("ns/a");
    q.shutDown();
    q.add("ns/b");

    assertThat(q.get()).isEqualTo("ns/a");
    assertThat(q.get()).isNull();
  }

  @Test
  void shutDownWithDrainWaitsForItemsInProcessing() throws Exception {
    WorkQueue<String> q = newQueue();
    q.add("ns/a");
    String item = q.get();
    AtomicReference<Boolean> drained = new AtomicReference<>(false);
    Thread drainer =
        new Thread(
            () -> {
              try {
                q.shutDownWithDrain();
                drained.set(true);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    drainer.start();
    await().atMost(Duration.ofSeconds(5)).until(q::shuttingDown);
    assertThat(drainer.isAlive()).as("still waiting for the item in processing").isTrue();

    q.done(item);

    drainer.join(5_000);
    assertThat(drained.get()).isTrue();
  }

  // Waiting getters park on the queue's condition; their threads show WAITING.
  private static boolean hasWaiters(WorkQueue<String> q, int n) {
    return Thread.getAllStackTraces().entrySet().stream()
            .filter(e -> e.getKey().getState() == Thread.State.WAITING)
            .filter(
                e ->
                    List.of(e.getValue()).stream()
                        .anyMatch(f -> f.getClassName().equals(WorkQueue.class.getName())))
            .count()
        >= n;
  }
}
