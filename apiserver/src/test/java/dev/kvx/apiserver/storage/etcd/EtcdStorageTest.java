package dev.kvx.apiserver.storage.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RecordingListener;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What only the etcd backend can show: losing its server. */
class EtcdStorageTest {

  @BeforeAll
  static void requireEtcd() {
    EtcdStorageContractTest.requireEtcd();
  }

  @Test
  void losingEtcdEndsWatchesAndFailsRequestsUnavailable() throws Exception {
    LocalEtcd etcd = LocalEtcd.start();
    try (EtcdStorage storage = new EtcdStorage(List.of(etcd.clientUrl()))) {
      KeyValue a =
          storage
              .create("/registry/pods/default/a", new byte[0])
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      RecordingListener l = new RecordingListener();
      StorageWatch w = storage.watch("/registry/pods/", a.modRevision(), l);
      l.awaitRevision(a.modRevision());

      etcd.close();

      assertThat(l.awaitError()).isInstanceOf(StorageException.Unavailable.class);
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class,
              () ->
                  storage
                      .get("/registry/pods/default/a")
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(30, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(StorageException.Unavailable.class);
      assertThat(l.violation()).isNull();
      w.close();
    } finally {
      etcd.close();
    }
  }

  @Test
  void closingTheStorageEndsWatchesAndFailsLaterCalls() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start()) {
      EtcdStorage storage = new EtcdStorage(List.of(etcd.clientUrl()));
      RecordingListener l = new RecordingListener();
      storage.watch("/registry/", 0, l);

      storage.close();
      storage.close(); // idempotent

      assertThat(l.awaitError()).isInstanceOf(StorageException.Unavailable.class);
      assertThat(storage.get("/registry/pods/default/a").cause())
          .isInstanceOf(StorageException.Unavailable.class);
    }
  }
}
