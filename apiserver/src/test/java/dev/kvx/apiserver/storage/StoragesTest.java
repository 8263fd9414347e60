package dev.kvx.apiserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.embedded.EmbeddedStorage;
import dev.kvx.apiserver.storage.etcd.EtcdStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoragesTest {

  @TempDir Path dataDir;

  @Test
  void etcdServersSelectEtcd() {
    // jetcd connects lazily: no etcd is needed to build the client.
    try (Storage s = Storages.open(null, List.of("http://127.0.0.1:1"), dataDir, false)) {
      assertThat(s).isInstanceOf(EtcdStorage.class);
      assertThat(s.backendName()).isEqualTo("etcd");
    }
    assertThat(dataDir.resolve("db")).doesNotExist();
  }

  @Test
  void noServersSelectTheEmbeddedStoreUnderDataDirDb() {
    try (Storage s = Storages.open(null, List.of(), dataDir, false)) {
      assertThat(s).isInstanceOf(EmbeddedStorage.class);
      assertThat(s.backendName()).isEqualTo("embedded");
      assertThat(Files.isDirectory(dataDir.resolve("db"))).isTrue();
    }
  }

  @Test
  void inMemoryWritesNothingToDisk() throws Exception {
    try (Storage s = Storages.open(null, null, dataDir, true)) {
      s.create("/registry/pods/default/a", new byte[0])
          .toCompletionStage()
          .toCompletableFuture()
          .get();
      assertThat(s).isInstanceOf(EmbeddedStorage.class);
    }
    try (var files = Files.list(dataDir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void withARegistryTheStoreIsTimed() {
    try (Storage s = Storages.open(null, null, dataDir, true, new SimpleMeterRegistry())) {
      assertThat(s).isInstanceOf(InstrumentedStorage.class);
      assertThat(((InstrumentedStorage) s).delegate()).isInstanceOf(EmbeddedStorage.class);
      assertThat(s.backendName()).isEqualTo("embedded");
    }
  }
}
