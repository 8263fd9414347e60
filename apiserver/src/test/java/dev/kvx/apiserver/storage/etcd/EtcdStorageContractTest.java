package dev.kvx.apiserver.storage.etcd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageContractTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on a real etcd process (one per class). */
class EtcdStorageContractTest extends StorageContractTest {

  private static LocalEtcd etcd;

  @BeforeAll
  static void startEtcd() {
    requireEtcd();
    etcd = LocalEtcd.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  /** Skips without etcd, except in CI, where a missing etcd is a failure. */
  static void requireEtcd() {
    if (!LocalEtcd.available()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(
            "CI=true but etcd is not installed at " + LocalEtcd.binary());
      }
      assumeTrue(false, "etcd is not installed at " + LocalEtcd.binary());
    }
  }

  @Override
  protected Storage newStorage() {
    return new EtcdStorage(List.of(etcd.clientUrl()));
  }
}
