package dev.kvx.apiserver.storage.etcd;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RangeResult;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link Storage} on etcd through jetcd, the way kube-apiserver's etcd3 store uses it: every
 * conditional write is one transaction whose Else branch reads the key back, so a failed
 * compare-and-swap reports the current value without a second round trip.
 *
 * <p>Futures complete on the caller's Vert.x context when there is one (else on a jetcd thread).
 * Watch listeners are called on jetcd's stream thread, in order. jetcd runs its own Vert.x
 * instance: handing it ours would let {@code Client.close()} close it.
 */
public final class EtcdStorage implements Storage {

  private static final GetOption KEYS_ONLY = GetOption.builder().withKeysOnly(true).build();
  private static final GetOption PREFIX = GetOption.builder().isPrefix(true).build();
  private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();
  private static final DeleteOption DELETE_PREV_KV =
      DeleteOption.builder().withPrevKV(true).build();
  private static final ByteSequence REVISION_PROBE_KEY = bytes("/");

  private final Client client;
  private final KV kv;
  private volatile boolean closed;

  /** Connects to {@code endpoints} (e.g. {@code http://127.0.0.1:2379}); connects lazily. */
  public EtcdStorage(List<String> endpoints) {
    this(
        Client.builder()
            .endpoints(endpoints.toArray(String[]::new))
            // Lists of a large resource are one response; kube-apiserver lifts this limit too.
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .connectTimeout(Duration.ofSeconds(5))
            // Fail calls while etcd is unreachable (→ Unavailable) instead of queueing forever.
            .waitForReady(false)
            // Reads are retried on UNAVAILABLE (e.g. during a leader change); keep that short so
            // a lost etcd becomes a 503 in about a second, not after several.
            .retryDelay(100)
            .retryMaxDelay(1000)
            .build());
  }

  /** Wraps a configured client (TLS, auth, namespace); {@link #close} closes it. */
  public EtcdStorage(Client client) {
    this.client = client;
    this.kv = client.getKVClient();
  }

  @Override
  public Future<KeyValue> get(String key) {
    return call(
        key,
        () -> kv.get(bytes(key)),
        r -> r.getKvs().isEmpty() ? null : toKeyValue(r.getKvs().get(0)));
  }

  @Override
  public Future<RangeResult> list(String prefix) {
    return call(
        prefix,
        () -> kv.get(bytes(prefix), PREFIX),
        r -> {
          List<KeyValue> items = new ArrayList<>(r.getKvs().size());
          for (io.etcd.jetcd.KeyValue e : r.getKvs()) {
            items.add(toKeyValue(e));
          }
          return new RangeResult(items, r.getHeader().getRevision());
        });
  }

  @Override
  public Future<KeyValue> create(String key, byte[] value) {
    ByteSequence k = bytes(key);
    return call(
        key,
        () ->
            kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(),
        r -> {
          if (!r.isSucceeded()) {
            throw new StorageException.KeyExists(key);
          }
          long rev = r.getHeader().getRevision();
          return new KeyValue(key, value, rev, rev);
        });
  }

  @Override
  public Future<KeyValue> update(String key, byte[] value, long expectedModRevision) {
    ByteSequence k = bytes(key);
    return call(
        key,
        () ->
            kv.txn()
                .If(precondition(k, expectedModRevision))
                // The read after the put sees the put: it yields the create revision.
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT), Op.get(k, KEYS_ONLY))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
        r -> {
          if (!r.isSucceeded()) {
            throw mismatch(key, r);
          }
          io.etcd.jetcd.KeyValue stored = r.getGetResponses().get(0).getKvs().get(0);
          return new KeyValue(key, value, stored.getCreateRevision(), stored.getModRevision());
        });
  }

  @Override
  public Future<KeyValue> delete(String key, long expectedModRevision) {
    ByteSequence k = bytes(key);
    return call(
        key,
        () ->
            kv.txn()
                .If(precondition(k, expectedModRevision))
                .Then(Op.delete(k, DELETE_PREV_KV))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(),
        r -> {
          if (!r.isSucceeded()) {
            throw mismatch(key, r);
          }
          io.etcd.jetcd.KeyValue prev = r.getDeleteResponses().get(0).getPrevKvs().get(0);
          return new KeyValue(
              key,
              prev.getValue().getBytes(),
              prev.getCreateRevision(),
              r.getHeader().getRevision());
        });
  }

  @Override
  public Future<Long> currentRevision() {
    return call("", () -> kv.get(REVISION_PROBE_KEY, COUNT_ONLY), r -> r.getHeader().getRevision());
  }

  /**
   * {@inheritDoc} etcd itself keeps the events of the compacted revision, so a watch from exactly
   * that revision may still start there.
   */
  @Override
  public StorageWatch watch(String prefix, long startRevision, WatchListener listener) {
    EtcdWatchStream w = new EtcdWatchStream(prefix, startRevision, listener, () -> closed);
    if (closed) {
      w.onError(closedError(prefix));
      return w;
    }
    WatchOption option =
        WatchOption.builder()
            .isPrefix(true)
            .withPrevKV(true)
            .withRevision(Math.max(0, startRevision))
            .build();
    try {
      w.attach(client.getWatchClient().watch(bytes(prefix), option, w));
    } catch (RuntimeException e) {
      w.onError(e);
    }
    return w;
  }

  /**
   * {@inheritDoc} Fails with {@link StorageException.Compacted} when {@code revision} is already
   * compacted and with {@link IllegalArgumentException} when it is in the future.
   */
  @Override
  public Future<Void> compact(long revision) {
    return call(
        null,
        () -> kv.compact(revision),
        r -> (Void) null,
        e -> {
          String m = String.valueOf(e.getMessage());
          if (m.contains("future revision")) {
            return new IllegalArgumentException(m, e);
          }
          // etcd does not say how far it has compacted; the request is a lower bound.
          return m.contains("compacted")
              ? new StorageException.Compacted(null, revision, revision)
              : null;
        });
  }

  @Override
  public String backendName() {
    return "etcd";
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      client.close(); // ends every watch: each listener hears "storage closed"
    }
  }

  static StorageException closedError(String key) {
    return new StorageException.Unavailable(key, "storage closed", null);
  }

  private static Cmp precondition(ByteSequence key, long expectedModRevision) {
    return expectedModRevision == 0
        ? new Cmp(key, Cmp.Op.GREATER, CmpTarget.createRevision(0)) // exists
        : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
  }

  /** Why a conditional write's compare failed, from the Else branch's read. */
  private static StorageException mismatch(String key, TxnResponse r) {
    GetResponse current = r.getGetResponses().get(0);
    if (current.getKvs().isEmpty()) {
      return new StorageException.KeyNotFound(key);
    }
    return new StorageException.Conflict(key, toKeyValue(current.getKvs().get(0)));
  }

  private <R, T> Future<T> call(
      String key, Supplier<CompletableFuture<R>> request, Function<R, T> convert) {
    return call(key, request, convert, e -> null);
  }

  /**
   * Sends a request and converts its reply off the event loop; failures become {@link
   * StorageException}s ({@code special} may claim some first). Completes on the caller's context.
   */
  private <R, T> Future<T> call(
      String key,
      Supplier<CompletableFuture<R>> request,
      Function<R, T> convert,
      Function<Throwable, RuntimeException> special) {
    Context ctx = Vertx.currentContext();
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(closedError(key));
    } else {
      try {
        request
            .get()
            .whenComplete(
                (r, err) -> {
                  if (err != null) {
                    Throwable cause = EtcdErrors.unwrap(err);
                    RuntimeException mapped = special.apply(cause);
                    result.completeExceptionally(
                        mapped != null ? mapped : EtcdErrors.translate(key, cause, closed));
                    return;
                  }
                  try {
                    result.complete(convert.apply(r));
                  } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                  }
                });
      } catch (RuntimeException e) {
        result.completeExceptionally(EtcdErrors.translate(key, e, closed));
      }
    }
    return ctx == null
        ? Future.fromCompletionStage(result)
        : Future.fromCompletionStage(result, ctx);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static KeyValue toKeyValue(io.etcd.jetcd.KeyValue e) {
    return new KeyValue(
        e.getKey().toString(StandardCharsets.UTF_8),
        e.getValue().getBytes(),
        e.getCreateRevision(),
        e.getModRevision());
  }
}
