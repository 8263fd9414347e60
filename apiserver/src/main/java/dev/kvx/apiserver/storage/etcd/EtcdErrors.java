package dev.kvx.apiserver.storage.etcd;

import dev.kvx.apiserver.storage.StorageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps jetcd's failures onto the storage contract's errors, in one place. */
final class EtcdErrors {

  private EtcdErrors() {}

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Contract errors pass through; anything else from jetcd or gRPC (unreachable, timed out, closed,
   * refused) means etcd cannot serve the request: {@link StorageException.Unavailable}.
   */
  static StorageException translate(String key, Throwable t, boolean storageClosed) {
    t = unwrap(t);
    if (t instanceof StorageException se) {
      return se;
    }
    if (storageClosed) {
      return new StorageException.Unavailable(key, "storage closed", t);
    }
    return new StorageException.Unavailable(key, "etcd: " + t.getMessage(), t);
  }
}
