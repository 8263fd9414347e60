package dev.kvx.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Storage} contract, run against every backend. Each test works under its own key root,
 * so backends that share one server across a class (etcd) stay independent; revision arithmetic
 * assumes no other writer during a test (test methods of a class run one at a time).
 */
public abstract class StorageContractTest {

  protected Storage storage;

  /** Keys of this test live under here. */
  protected String root;

  /** A fresh store (or a client of a shared one) for one test. */
  protected abstract Storage newStorage() throws Exception;

  @BeforeEach
  void openStorage() throws Exception {
    storage = newStorage();
    root = "/t-" + UUID.randomUUID();
  }

  @AfterEach
  void closeStorage() {
    if (storage != null) {
      storage.close();
    }
  }

  protected String pod(String name) {
    return root + "/registry/pods/default/" + name;
  }

  protected String pods() {
    return root + "/registry/pods/";
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  protected static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  /** The failure of {@code f}, which must fail. */
  protected static Throwable failure(Future<?> f) throws Exception {
    try {
      Object v = f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void createThenGet() throws Exception {
    KeyValue created = await(storage.create(pod("a"), bytes("v1")));

    assertThat(created.key()).isEqualTo(pod("a"));
    assertThat(text(created.value())).isEqualTo("v1");
    assertThat(created.modRevision()).isPositive().isEqualTo(created.createRevision());
    KeyValue read = await(storage.get(pod("a")));
    assertThat(read.key()).isEqualTo(pod("a"));
    assertThat(text(read.value())).isEqualTo("v1");
    assertThat(read.createRevision()).isEqualTo(created.createRevision());
    assertThat(read.modRevision()).isEqualTo(created.modRevision());
    assertThat(await(storage.get(pod("absent")))).isNull();
  }

  @Test
  void createOfExistingKeyFailsKeyExistsAndWritesNothing() throws Exception {
    KeyValue first = await(storage.create(pod("a"), bytes("v1")));

    Throwable e = failure(storage.create(pod("a"), bytes("v2")));

    assertThat(e).isInstanceOf(StorageException.KeyExists.class);
    assertThat(((StorageException) e).key()).isEqualTo(pod("a"));
    assertThat(text(await(storage.get(pod("a"))).value())).isEqualTo("v1");
    assertThat(await(storage.currentRevision())).isEqualTo(first.modRevision());
  }

  @Test
  void listReturnsKeysUnderPrefixInKeyOrderAtCurrentRevision() throws Exception {
    await(storage.create(pod("b"), bytes("2")));
    await(storage.create(pod("a"), bytes("1")));
    await(storage.create(root + "/registry/pods/other/c", bytes("3")));
    KeyValue last = await(storage.create(root + "/registry/services/default/a", bytes("x")));

    RangeResult all = await(storage.list(pods()));
    RangeResult ns = await(storage.list(pods() + "default/"));

    assertThat(all.items())
        .extracting(KeyValue::key)
        .containsExactly(pod("a"), pod("b"), root + "/registry/pods/other/c");
    assertThat(ns.items()).extracting(kv -> text(kv.value())).containsExactly("1", "2");
    assertThat(all.revision()).isEqualTo(last.modRevision());
    assertThat(await(storage.list(root + "/registry/nothing/")).items()).isEmpty();
  }

  @Test
  void listOrdersKeysByTheirUtf8Bytes() throws Exception {
    // UTF-16 order would put U+FF21 after the supplementary U+1F600; byte order puts it before.
    String bmp = pod("\uFF21");
    String supplementary = pod("\uD83D\uDE00");
    await(storage.create(supplementary, bytes("s")));
    await(storage.create(bmp, bytes("b")));

    assertThat(await(storage.list(pods())).items())
        .extracting(KeyValue::key)
        .containsExactly(bmp, supplementary);
  }

  @Test
  void updateIsCompareAndSwapOnModRevision() throws Exception {
    KeyValue v1 = await(storage.create(pod("a"), bytes("v1")));

    KeyValue v2 = await(storage.update(pod("a"), bytes("v2"), v1.modRevision()));
    Throwable stale = failure(storage.update(pod("a"), bytes("v3"), v1.modRevision()));

    assertThat(v2.modRevision()).isEqualTo(v1.modRevision() + 1);
    assertThat(v2.createRevision()).isEqualTo(v1.createRevision());
    assertThat(text(v2.value())).isEqualTo("v2");
    assertThat(stale).isInstanceOf(StorageException.Conflict.class);
    KeyValue current = ((StorageException.Conflict) stale).current();
    assertThat(current.modRevision()).isEqualTo(v2.modRevision());
    assertThat(current.createRevision()).isEqualTo(v1.createRevision());
    assertThat(text(current.value())).isEqualTo("v2");
    assertThat(text(await(storage.get(pod("a"))).value())).isEqualTo("v2");
  }

  @Test
  void updateWithRevisionZeroIsUnconditional() throws Exception {
    KeyValue v1 = await(storage.create(pod("a"), bytes("v1")));
    await(storage.update(pod("a"), bytes("v2"), 0));

    KeyValue v3 = await(storage.update(pod("a"), bytes("v3"), 0));

    assertThat(v3.modRevision()).isEqualTo(v1.modRevision() + 2);
    assertThat(v3.createRevision()).isEqualTo(v1.createRevision());
  }

  @Test
  void updateOrDeleteOfAbsentKeyFailsKeyNotFound() throws Exception {
    KeyValue other = await(storage.create(pod("other"), bytes("x")));

    assertThat(failure(storage.update(pod("a"), bytes("v"), 0)))
        .isInstanceOf(StorageException.KeyNotFound.class);
    assertThat(failure(storage.update(pod("a"), bytes("v"), other.modRevision())))
        .isInstanceOf(StorageException.KeyNotFound.class);
    assertThat(failure(storage.delete(pod("a"), 0)))
        .isInstanceOf(StorageException.KeyNotFound.class);
    assertThat(failure(storage.delete(pod("a"), other.modRevision())))
        .isInstanceOf(StorageException.KeyNotFound.class);
    assertThat(await(storage.get(pod("a")))).isNull();
    assertThat(await(storage.currentRevision())).isEqualTo(other.modRevision());
  }

  @Test
  void deleteIsCompareAndSwapAndReturnsTheLastValue() throws Exception {
    KeyValue v1 = await(storage.create(pod("a"), bytes("v1")));
    KeyValue v2 = await(storage.update(pod("a"), bytes("v2"), v1.modRevision()));

    Throwable stale = failure(storage.delete(pod("a"), v1.modRevision()));
    KeyValue deleted = await(storage.delete(pod("a"), v2.modRevision()));

    assertThat(stale).isInstanceOf(StorageException.Conflict.class);
    assertThat(((StorageException.Conflict) stale).current().modRevision())
        .isEqualTo(v2.modRevision());
    assertThat(text(deleted.value())).isEqualTo("v2");
    assertThat(deleted.createRevision()).isEqualTo(v1.createRevision());
    assertThat(deleted.modRevision()).isEqualTo(v2.modRevision() + 1);
    assertThat(await(storage.get(pod("a")))).isNull();
    assertThat(await(storage.currentRevision())).isEqualTo(deleted.modRevision());
    // The name is free again, with a new create revision.
    KeyValue again = await(storage.create(pod("a"), bytes("v3")));
    assertThat(again.createRevision()).isEqualTo(deleted.modRevision() + 1);
  }

  @Test
  void revisionsIncreaseByOnePerSuccessfulWrite() throws Exception {
    long start = await(storage.currentRevision());
    List<Long> revisions = new ArrayList<>();

    revisions.add(await(storage.create(pod("a"), bytes("1"))).modRevision());
    revisions.add(await(storage.create(pod("b"), bytes("1"))).modRevision());
    failure(storage.create(pod("a"), bytes("again")));
    revisions.add(await(storage.update(pod("a"), bytes("2"), 0)).modRevision());
    failure(storage.update(pod("b"), bytes("2"), 1_000_000));
    revisions.add(await(storage.delete(pod("b"), 0)).modRevision());

    assertThat(revisions).containsExactly(start + 1, start + 2, start + 3, start + 4);
    assertThat(await(storage.currentRevision())).isEqualTo(start + 4);
    assertThat(await(storage.list(pods())).revision()).isEqualTo(start + 4);
  }

  @Test
  void watchFromPastRevisionReplaysInOrderThenStreamsLive() throws Exception {
    KeyValue a1 = await(storage.create(pod("a"), bytes("a1")));
    KeyValue a2 = await(storage.update(pod("a"), bytes("a2"), a1.modRevision()));
    KeyValue gone = await(storage.delete(pod("a"), a2.modRevision()));
    await(storage.create(root + "/registry/services/default/s", bytes("not watched")));
    RecordingListener l = new RecordingListener();

    try (StorageWatch w = storage.watch(pods(), a1.modRevision(), l)) {
      l.awaitRevision(gone.modRevision());
      KeyValue b = await(storage.create(pod("b"), bytes("b1")));
      KeyValue b2 = await(storage.update(pod("b"), bytes("b2"), b.modRevision()));
      KeyValue end = await(storage.create(pod("zz-end"), bytes("end")));
      l.awaitRevision(end.modRevision());

      List<WatchEvent> events = l.events();
      assertThat(RecordingListener.names(events))
          .containsExactly(
              "PUT " + pod("a") + "@" + a1.modRevision(),
              "PUT " + pod("a") + "@" + a2.modRevision(),
              "DELETE " + pod("a") + "@" + gone.modRevision(),
              "PUT " + pod("b") + "@" + b.modRevision(),
              "PUT " + pod("b") + "@" + b2.modRevision(),
              "PUT " + pod("zz-end") + "@" + end.modRevision());
      assertThat(events.get(0).prevValue()).isNull();
      assertThat(text(events.get(0).kv().value())).isEqualTo("a1");
      assertThat(text(events.get(1).prevValue())).isEqualTo("a1");
      assertThat(text(events.get(1).kv().value())).isEqualTo("a2");
      assertThat(events.get(1).kv().createRevision()).isEqualTo(a1.modRevision());
      assertThat(text(events.get(2).kv().value())).isEqualTo("a2");
      assertThat(events.get(2).kv().createRevision()).isEqualTo(a1.modRevision());
      assertThat(text(events.get(4).prevValue())).isEqualTo("b1");
      assertThat(l.error()).isNull();
      assertThat(l.violation()).isNull();
    }
  }

  @Test
  void watchFromRevisionZeroSeesOnlyLaterWrites() throws Exception {
    KeyValue before = await(storage.create(pod("before"), bytes("x")));
    RecordingListener l = new RecordingListener();

    try (StorageWatch w = storage.watch(pods(), 0, l)) {
      // A backend may register the watch asynchronously: write until it shows up.
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                await(storage.create(pod("probe-" + UUID.randomUUID()), bytes("p")));
                return !l.events().isEmpty();
              });

      assertThat(l.revisions()).allSatisfy(r -> assertThat(r).isGreaterThan(before.modRevision()));
      assertThat(l.keys()).doesNotContain(pod("before"));
      assertThat(l.error()).isNull();
    }
  }

  @Test
  void watchSeesOnlyKeysUnderItsPrefix() throws Exception {
    String podsx = root + "/registry/podsx/default/a";
    RecordingListener l = new RecordingListener();
    long start = await(storage.currentRevision()) + 1;

    try (StorageWatch w = storage.watch(pods(), start, l)) {
      await(storage.create(podsx, bytes("x")));
      await(storage.create(root + "/registry/pods", bytes("no slash")));
      KeyValue mine = await(storage.create(pod("a"), bytes("a")));
      l.awaitRevision(mine.modRevision());

      assertThat(l.keys()).containsExactly(pod("a"));
      assertThat(await(storage.list(pods())).items())
          .extracting(KeyValue::key)
          .containsExactly(pod("a"));
    }
  }

  @Test
  void watchFromCompactedRevisionFailsCompacted() throws Exception {
    KeyValue r1 = await(storage.create(pod("a"), bytes("1")));
    await(storage.update(pod("a"), bytes("2"), 0));
    KeyValue r3 = await(storage.update(pod("a"), bytes("3"), 0));
    await(storage.compact(r3.modRevision()));
    RecordingListener old = new RecordingListener();
    RecordingListener fresh = new RecordingListener();

    try (StorageWatch w1 = storage.watch(pods(), r1.modRevision(), old);
        StorageWatch w2 = storage.watch(pods(), r3.modRevision() + 1, fresh)) {
      Throwable e = old.awaitError();
      KeyValue r4 = await(storage.update(pod("a"), bytes("4"), 0));
      fresh.awaitRevision(r4.modRevision());

      assertThat(e).isInstanceOf(StorageException.Compacted.class);
      assertThat(((StorageException.Compacted) e).compactedRevision()).isEqualTo(r3.modRevision());
      assertThat(old.events()).isEmpty();
      assertThat(fresh.revisions()).containsExactly(r4.modRevision());
      assertThat(text(await(storage.get(pod("a"))).value())).isEqualTo("4");
    }
  }

  @Test
  void compactOfCompactedOrFutureRevisionFails() throws Exception {
    KeyValue r1 = await(storage.create(pod("a"), bytes("1")));
    await(storage.update(pod("a"), bytes("2"), 0));
    await(storage.compact(r1.modRevision() + 1));

    assertThat(failure(storage.compact(r1.modRevision())))
        .isInstanceOf(StorageException.Compacted.class);
    assertThat(failure(storage.compact(r1.modRevision() + 1_000)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedWatchGetsNoMoreEvents() throws Exception {
    RecordingListener closed = new RecordingListener();
    RecordingListener open = new RecordingListener();
    long start = await(storage.currentRevision()) + 1;
    StorageWatch w = storage.watch(pods(), start, closed);

    try (StorageWatch w2 = storage.watch(pods(), start, open)) {
      KeyValue first = await(storage.create(pod("a"), bytes("1")));
      closed.awaitRevision(first.modRevision());
      w.close();
      w.close(); // idempotent
      await(storage.update(pod("a"), bytes("2"), 0));
      KeyValue last = await(storage.update(pod("a"), bytes("3"), 0));
      open.awaitRevision(last.modRevision());

      assertThat(closed.revisions()).containsExactly(first.modRevision());
      assertThat(closed.error()).isNull();
      assertThat(open.revisions()).hasSize(3);
    }
  }

  @Test
  void ofConcurrentUpdatesAtOneRevisionExactlyOneWins() throws Exception {
    KeyValue base = await(storage.create(pod("a"), bytes("0")));
    int racers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Future<KeyValue>>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        String value = "racer-" + i;
        calls.add(
            CompletableFuture.supplyAsync(
                () -> {
                  awaitLatch(go);
                  return storage.update(pod("a"), bytes(value), base.modRevision());
                },
                pool));
      }
      go.countDown();
      List<KeyValue> winners = new ArrayList<>();
      List<Throwable> losers = new ArrayList<>();
      for (CompletableFuture<Future<KeyValue>> c : calls) {
        Future<KeyValue> f = c.get(10, TimeUnit.SECONDS);
        try {
          winners.add(await(f));
        } catch (StorageException e) {
          losers.add(e);
        }
      }

      assertThat(winners).hasSize(1);
      assertThat(losers).hasSize(racers - 1).allMatch(StorageException.Conflict.class::isInstance);
      KeyValue winner = winners.get(0);
      assertThat(losers)
          .allSatisfy(
              e ->
                  assertThat(((StorageException.Conflict) e).current().modRevision())
                      .isEqualTo(winner.modRevision()));
      KeyValue stored = await(storage.get(pod("a")));
      assertThat(text(stored.value())).isEqualTo(text(winner.value()));
      assertThat(stored.modRevision()).isEqualTo(base.modRevision() + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void futuresCompleteOnTheCallingContext() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context ctx = vertx.getOrCreateContext();
      List<Supplier<Future<?>>> calls =
          List.of(
              () -> storage.create(pod("a"), bytes("1")),
              () -> storage.create(pod("a"), bytes("again")), // fails KeyExists
              () -> storage.get(pod("a")),
              () -> storage.list(pods()),
              () -> storage.update(pod("a"), bytes("2"), 0),
              () -> storage.currentRevision(),
              () -> storage.delete(pod("a"), 0));
      for (Supplier<Future<?>> call : calls) {
        CompletableFuture<Boolean> onContext = new CompletableFuture<>();
        ctx.runOnContext(
            v -> call.get().onComplete(ar -> onContext.complete(Vertx.currentContext() == ctx)));
        assertThat(onContext.get(10, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void futuresCompleteWithoutAVertxContext() throws Exception {
    CompletableFuture<KeyValue> seen = new CompletableFuture<>();

    storage.create(pod("a"), bytes("1")).onComplete(ar -> seen.complete(ar.result()));

    assertThat(text(seen.get(10, TimeUnit.SECONDS).value())).isEqualTo("1");
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
