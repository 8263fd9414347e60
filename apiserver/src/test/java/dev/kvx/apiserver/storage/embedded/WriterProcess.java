package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * A separate JVM for {@link EmbeddedStorageRecoveryTest}'s kill -9 test: writes keys as fast as it
 * can, 32 in flight, and prints {@code ack <revision> <key>} once each write is acknowledged, until
 * it is killed.
 */
public final class WriterProcess {

  private WriterProcess() {}

  public static void main(String[] args) throws Exception {
    EmbeddedStorage storage = EmbeddedStorage.open(Path.of(args[0]));
    Semaphore inFlight = new Semaphore(32);
    System.out.println("ready");
    System.out.flush();
    for (long i = 0; ; i++) {
      inFlight.acquire();
      String key = "/registry/pods/default/p" + i;
      storage
          .create(key, ("value-" + i).getBytes(StandardCharsets.UTF_8))
          .onComplete(
              ar -> {
                inFlight.release();
                if (ar.succeeded()) {
                  KeyValue kv = ar.result();
                  synchronized (System.out) {
                    System.out.println("ack " + kv.modRevision() + " " + kv.key());
                    System.out.flush();
                  }
                }
              });
    }
  }
}
