package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RangeResult;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchEvent;
import dev.kvx.apiserver.storage.WatchListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup {@link Storage}: etcd's semantics (as k3s's kine gives them on SQLite) from an
 * in-memory index and an append-only write-ahead log.
 *
 * <p>Threads: one writer thread owns every mutation. It takes all queued writes as a batch, checks
 * each against the current values (and the earlier writes of the batch), gives each successful one
 * the next revision, appends the batch to the log with one fsync (group commit), then applies it to
 * the {@link KeyIndex}, hands its events to the {@link WatchHub}'s dispatcher thread and completes
 * the writes' futures. Reads run on the caller's thread against the index and never wait for the
 * disk. A write's future completes only after its record is on disk, so an acknowledged write
 * survives kill -9.
 *
 * <p>Futures of writes complete on the caller's Vert.x context when there is one, otherwise on the
 * writer thread (so non-Vert.x callers must not block in their callbacks). Values are stored by
 * reference: callers must not modify an array after handing it over or reading it.
 *
 * <p>Closing the store fails queued writes and ends every watch with {@link
 * StorageException.Unavailable}.
 */
public final class EmbeddedStorage implements Storage {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStorage.class);

  /** The most writes one fsync covers; bounds the latency a batch adds to its first write. */
  private static final int MAX_BATCH = 4096;

  private static final AtomicInteger IDS = new AtomicInteger();

  /** Marks a key deleted earlier in the batch being validated. */
  private static final KeyValue TOMBSTONE = new KeyValue("", new byte[0], 0, 0);

  private final KeyIndex index;
  private final WatchHub hub;
  private final WriteAheadLog log; // null in memory
  private final BlockingQueue<PendingWrite> queue;
  private final Thread writer;
  private volatile boolean closed;
  private volatile boolean writerDone;

  // Writer thread only.
  private final Map<String, KeyValue> batchView = new HashMap<>();
  private final List<KeyIndex.Change> changes = new ArrayList<>();
  private final RecordBuffer records = new RecordBuffer();
  private long compactedRevision;
  private IOException failure;

  private EmbeddedStorage(
      EmbeddedStorageOptions options, RecoveredState state, WriteAheadLog log, String name) {
    this.index = new KeyIndex(state.data, state.revision);
    this.compactedRevision = state.compactedRevision;
    this.hub = new WatchHub(name, state.history);
    this.log = log;
    this.queue = new LinkedBlockingQueue<>(options.maxPendingWrites());
    this.writer = new Thread(this::runWriter, name + "-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** A store that keeps nothing on disk. */
  public static EmbeddedStorage inMemory() {
    return inMemory(EmbeddedStorageOptions.inMemory());
  }

  /** A store that keeps nothing on disk ({@code options.dataDir()} must be null). */
  public static EmbeddedStorage inMemory(EmbeddedStorageOptions options) {
    if (!options.inMemoryOnly()) {
      throw new IllegalArgumentException("in-memory options have a data dir: " + options.dataDir());
    }
    String name = "kvx-embedded-" + IDS.incrementAndGet();
    return new EmbeddedStorage(options, new RecoveredState(options.historyLimit()), null, name);
  }

  /** Opens (or creates) a store under {@code dataDir}. Blocks while it replays the log. */
  public static EmbeddedStorage open(Path dataDir) throws IOException {
    return open(EmbeddedStorageOptions.onDisk(dataDir));
  }

  /**
   * Opens a store as {@code options} say: in memory, or on disk, replaying the snapshot and log and
   * resuming at the revision of the last durable write. Blocks while it replays.
   */
  public static EmbeddedStorage open(EmbeddedStorageOptions options) throws IOException {
    if (options.inMemoryOnly()) {
      return inMemory(options);
    }
    String name = "kvx-embedded-" + IDS.incrementAndGet();
    RecoveredState state = new RecoveredState(options.historyLimit());
    WriteAheadLog log = WriteAheadLog.open(options, state, name);
    LOG.info(
        "embedded storage at {}: revision {}, {} keys",
        options.dataDir(),
        state.revision,
        state.data.size());
    return new EmbeddedStorage(options, state, log, name);
  }

  @Override
  public Future<KeyValue> get(String key) {
    return Future.succeededFuture(index.get(key));
  }

  @Override
  public Future<RangeResult> list(String prefix) {
    return Future.succeededFuture(index.list(prefix));
  }

  @Override
  public Future<KeyValue> create(String key, byte[] value) {
    return submit(new PendingWrite(Kind.CREATE, key, value, 0));
  }

  @Override
  public Future<KeyValue> update(String key, byte[] value, long expectedModRevision) {
    return submit(new PendingWrite(Kind.UPDATE, key, value, expectedModRevision));
  }

  @Override
  public Future<KeyValue> delete(String key, long expectedModRevision) {
    return submit(new PendingWrite(Kind.DELETE, key, null, expectedModRevision));
  }

  @Override
  public Future<Long> currentRevision() {
    return Future.succeededFuture(index.revision());
  }

  /** {@inheritDoc} A {@code startRevision} of 0 (or less) means "from the next write". */
  @Override
  public StorageWatch watch(String prefix, long startRevision, WatchListener listener) {
    long start = startRevision > 0 ? startRevision : index.revision() + 1;
    return hub.watch(prefix, start, listener);
  }

  /**
   * {@inheritDoc} Fails with {@link StorageException.Compacted} when {@code revision} is already
   * compacted and with {@link IllegalArgumentException} when it is above the current revision, as
   * etcd does.
   */
  @Override
  public Future<Void> compact(long revision) {
    return submit(new PendingWrite(Kind.COMPACT, null, null, revision));
  }

  @Override
  public String backendName() {
    return "embedded";
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // Behind a full queue, wait for room rather than interrupt the writer: an interrupt would
    // close the log's channel mid-write.
    PendingWrite stop = new PendingWrite(Kind.STOP, null, null, 0);
    try {
      while (!writerDone && !queue.offer(stop, 100, TimeUnit.MILLISECONDS)) {
        // the writer is draining
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    // From the writer (a callback) or the dispatcher (a listener) waiting would deadlock: the
    // writer winds down on its own.
    if (Thread.currentThread() != writer && !hub.onDispatcherThread()) {
      try {
        writer.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <T> Future<T> submit(PendingWrite w) {
    if (closed) {
      return Future.failedFuture(closedError(w.key));
    }
    if (!queue.offer(w)) {
      return Future.failedFuture(
          new StorageException.Unavailable(w.key, "too many pending writes", null));
    }
    if (writerDone && queue.remove(w)) {
      // Raced with close: the writer has gone and will never see it.
      return Future.failedFuture(closedError(w.key));
    }
    @SuppressWarnings("unchecked")
    Future<T> f = (Future<T>) w.promise.future();
    return f;
  }

  private void runWriter() {
    List<PendingWrite> batch = new ArrayList<>();
    try {
      boolean stop = false;
      while (!stop) {
        batch.add(queue.take());
        queue.drainTo(batch, MAX_BATCH - 1);
        stop = process(batch);
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("embedded storage writer died", e);
      for (PendingWrite w : batch) {
        w.fail(new StorageException.Unavailable(w.key, "storage failed", e));
      }
    } finally {
      writerDone = true;
      for (PendingWrite w; (w = queue.poll()) != null; ) {
        w.fail(closedError(w.key));
      }
      hub.close(closedError(""));
      if (log != null) {
        log.close();
      }
    }
  }

  /** Validates, logs, applies and acknowledges one batch. Returns true on a stop request. */
  private boolean process(List<PendingWrite> batch) {
    batchView.clear();
    changes.clear();
    records.clear();
    List<WatchEvent> events = new ArrayList<>();
    long revision = index.revision();
    long compactTo = 0;
    boolean stop = false;
    for (PendingWrite w : batch) {
      if (w.kind == Kind.STOP) {
        stop = true;
        continue;
      }
      if (stop || failure != null) {
        w.error =
            stop
                ? closedError(w.key)
                : new StorageException.Unavailable(w.key, "storage failed", failure);
        continue;
      }
      switch (w.kind) {
        case STOP -> throw new AssertionError("handled above");
        case CREATE -> {
          if (current(w.key) != null) {
            w.error = new StorageException.KeyExists(w.key);
          } else {
            revision++;
            put(w, new KeyValue(w.key, w.value, revision, revision), null, events);
          }
        }
        case UPDATE -> {
          KeyValue cur = current(w.key);
          if (cur == null) {
            w.error = new StorageException.KeyNotFound(w.key);
          } else if (w.revision != 0 && w.revision != cur.modRevision()) {
            w.error = new StorageException.Conflict(w.key, cur);
          } else {
            revision++;
            KeyValue kv = new KeyValue(w.key, w.value, cur.createRevision(), revision);
            put(w, kv, cur.value(), events);
          }
        }
        case DELETE -> {
          KeyValue cur = current(w.key);
          if (cur == null) {
            w.error = new StorageException.KeyNotFound(w.key);
          } else if (w.revision != 0 && w.revision != cur.modRevision()) {
            w.error = new StorageException.Conflict(w.key, cur);
          } else {
            revision++;
            KeyValue gone = new KeyValue(w.key, cur.value(), cur.createRevision(), revision);
            batchView.put(w.key, TOMBSTONE);
            changes.add(new KeyIndex.Change(w.key, null));
            events.add(new WatchEvent(WatchEvent.Type.DELETE, gone, cur.value()));
            w.result = gone;
            if (log != null) {
              LogRecord.encodeDelete(records, revision, w.key);
            }
          }
        }
        case COMPACT -> {
          long floor = Math.max(compactedRevision, compactTo);
          if (w.revision <= floor) {
            w.error = new StorageException.Compacted(null, w.revision, floor);
          } else if (w.revision > revision) {
            w.error =
                new IllegalArgumentException(
                    "required revision "
                        + w.revision
                        + " is a future revision (current "
                        + revision
                        + ")");
          } else {
            compactTo = w.revision;
            if (log != null) {
              LogRecord.encodeCompact(records, compactTo);
            }
          }
        }
      }
    }
    if (log != null && !records.isEmpty()) {
      try {
        log.append(records.flip());
        log.sync();
      } catch (IOException e) {
        // The disk refused: nothing of this batch is acknowledged, and nothing later can be.
        LOG.error("embedded storage log write failed; failing all writes from now on", e);
        failure = e;
        for (PendingWrite w : batch) {
          if (w.error == null) {
            w.error = new StorageException.Unavailable(w.key, "storage failed", e);
          }
        }
        complete(batch);
        return stop;
      }
    }
    index.apply(changes, revision);
    if (compactTo > 0) {
      compactedRevision = compactTo;
    }
    // Events reach the dispatcher before any caller hears of its write, so a watch started
    // from a revision a caller has seen always finds it.
    if (!events.isEmpty()) {
      hub.publish(events);
    }
    if (compactTo > 0) {
      hub.compact(compactTo);
    }
    complete(batch);
    if (log != null) {
      log.maybeSnapshot(index, compactedRevision);
    }
    return stop;
  }

  private KeyValue current(String key) {
    KeyValue v = batchView.get(key);
    if (v == null) {
      return index.get(key);
    }
    return v == TOMBSTONE ? null : v;
  }

  private void put(PendingWrite w, KeyValue kv, byte[] prevValue, List<WatchEvent> events) {
    batchView.put(kv.key(), kv);
    changes.add(new KeyIndex.Change(kv.key(), kv));
    events.add(new WatchEvent(WatchEvent.Type.PUT, kv, prevValue));
    w.result = kv;
    if (log != null) {
      LogRecord.encodePut(records, kv.modRevision(), kv.createRevision(), kv.key(), kv.value());
    }
  }

  private static void complete(List<PendingWrite> batch) {
    for (PendingWrite w : batch) {
      if (w.error != null) {
        w.fail(w.error);
      } else if (w.promise != null) {
        w.promise.tryComplete(w.result);
      }
    }
  }

  private static StorageException closedError(String key) {
    return new StorageException.Unavailable(key, "storage closed", null);
  }

  private enum Kind {
    CREATE,
    UPDATE,
    DELETE,
    COMPACT,
    STOP
  }

  /** One queued write and, once the writer has looked at it, its outcome. */
  private static final class PendingWrite {
    final Kind kind;
    final String key;
    final byte[] value;
    final long revision; // expected modRevision, or the compaction target
    final Promise<Object> promise;
    Object result;
    Throwable error;

    PendingWrite(Kind kind, String key, byte[] value, long revision) {
      this.kind = kind;
      this.key = key;
      this.value = value;
      this.revision = revision;
      this.promise = kind == Kind.STOP ? null : callerPromise();
    }

    void fail(Throwable error) {
      if (promise != null) {
        promise.tryFail(error);
      }
    }
  }

  /** A promise whose callbacks run on the caller's Vert.x context, if it has one. */
  private static Promise<Object> callerPromise() {
    ContextInternal ctx = (ContextInternal) Vertx.currentContext();
    return ctx != null ? ctx.promise() : Promise.promise();
  }
}
