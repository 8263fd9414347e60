package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on the embedded store, in memory and on disk. */
class EmbeddedStorageContractTest {

  @Nested
  class InMemory extends StorageContractTest {
    @Override
    protected Storage newStorage() {
      return EmbeddedStorage.inMemory();
    }
  }

  @Nested
  class OnDisk extends StorageContractTest {
    @TempDir Path dir;

    @Override
    protected Storage newStorage() throws Exception {
      return EmbeddedStorage.open(dir.resolve("db"));
    }
  }
}
