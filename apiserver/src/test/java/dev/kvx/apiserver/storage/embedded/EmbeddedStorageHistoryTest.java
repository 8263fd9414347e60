package dev.kvx.apiserver.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.RecordingListener;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchEvent;
import dev.kvx.apiserver.storage.WatchListener;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The embedded store's bounded watch history. */
class EmbeddedStorageHistoryTest {

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void watchFromBeforeTheRetainedHistoryFailsCompacted() throws Exception {
    try (EmbeddedStorage s =
        EmbeddedStorage.inMemory(EmbeddedStorageOptions.inMemory().withHistoryLimit(3))) {
      for (int i = 1; i <= 5; i++) {
        await(s.create("/registry/pods/default/p" + i, new byte[0]));
      }
      RecordingListener evicted = new RecordingListener();
      RecordingListener retained = new RecordingListener();

      try (StorageWatch w1 = s.watch("/registry/pods/", 2, evicted);
          StorageWatch w2 = s.watch("/registry/pods/", 3, retained)) {
        Throwable e = evicted.awaitError();
        retained.awaitRevision(5);

        assertThat(e).isInstanceOf(StorageException.Compacted.class);
        assertThat(((StorageException.Compacted) e).compactedRevision()).isEqualTo(2);
        assertThat(retained.revisions()).containsExactly(3L, 4L, 5L);
      }
    }
  }

  @Test
  void longReplayArrivesCompleteAndInOrderThenGoesLive() throws Exception {
    try (EmbeddedStorage s = EmbeddedStorage.inMemory()) {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 1; i <= 2500; i++) {
        writes.add(s.create("/registry/pods/default/p" + i, "v".getBytes(StandardCharsets.UTF_8)));
      }
      await(Future.all(writes));
      RecordingListener l = new RecordingListener();

      try (StorageWatch w = s.watch("/registry/pods/", 1, l)) {
        await(s.create("/registry/pods/default/live", new byte[0]));
        l.awaitRevision(2501);

        assertThat(l.revisions())
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 2501).boxed().toList());
        assertThat(l.violation()).isNull();
      }
    }
  }

  @Test
  void closingTheStoreEndsWatchesAndFailsLaterWrites() throws Exception {
    EmbeddedStorage s = EmbeddedStorage.inMemory();
    RecordingListener l = new RecordingListener();
    s.watch("/registry/", 0, l);

    s.close();
    s.close(); // idempotent

    assertThat(l.awaitError()).isInstanceOf(StorageException.Unavailable.class);
    assertThat(s.create("/registry/pods/default/a", new byte[0]).cause())
        .isInstanceOf(StorageException.Unavailable.class);
  }

  @Test
  void aListenerMayCloseTheStoreWithoutStallingIt() throws Exception {
    EmbeddedStorage s = EmbeddedStorage.inMemory();
    CompletableFuture<Void> closedFromListener = new CompletableFuture<>();
    s.watch(
        "/registry/",
        0,
        new WatchListener() {
          @Override
          public void onEvents(List<WatchEvent> events) {
            s.close();
            closedFromListener.complete(null);
          }

          @Override
          public void onError(Throwable error) {}
        });

    await(s.create("/registry/pods/default/a", new byte[0]));

    closedFromListener.get(2, TimeUnit.SECONDS); // waiting for the writer here would deadlock
    assertThat(s.create("/registry/pods/default/b", new byte[0]).cause())
        .isInstanceOf(StorageException.Unavailable.class);
  }
}
