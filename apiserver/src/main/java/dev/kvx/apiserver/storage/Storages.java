package dev.kvx.apiserver.storage;

import dev.kvx.apiserver.storage.embedded.EmbeddedStorage;
import dev.kvx.apiserver.storage.etcd.EtcdStorage;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** Picks the API server's storage backend from its flags. */
public final class Storages {

  private Storages() {}

  /**
   * etcd when {@code etcdServers} are given; otherwise the embedded store, under {@code dataDir/db}
   * or, with {@code inMemory}, in memory. Blocks while the embedded store replays its log: call it
   * at start-up, off the event loop. {@code vertx} is accepted for symmetry with the other
   * components; neither backend needs it (jetcd runs its own Vert.x instance, which it closes with
   * the client).
   *
   * @throws UncheckedIOException when the embedded store cannot be opened (e.g. its directory is
   *     locked by another process)
   */
  public static Storage open(
      Vertx vertx, List<String> etcdServers, Path dataDir, boolean inMemory) {
    if (etcdServers != null && !etcdServers.isEmpty()) {
      return new EtcdStorage(etcdServers);
    }
    if (inMemory) {
      return EmbeddedStorage.inMemory();
    }
    try {
      return EmbeddedStorage.open(dataDir.resolve("db"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the embedded store under " + dataDir, e);
    }
  }

  /** As {@link #open(Vertx, List, Path, boolean)}, timed into {@code registry}. */
  public static Storage open(
      Vertx vertx,
      List<String> etcdServers,
      Path dataDir,
      boolean inMemory,
      MeterRegistry registry) {
    return new InstrumentedStorage(open(vertx, etcdServers, dataDir, inMemory), registry);
  }
}
