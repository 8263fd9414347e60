package dev.kvx.apiserver.storage.etcd;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchEvent;
import dev.kvx.apiserver.storage.WatchListener;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd watch seen through the storage contract. jetcd would quietly reconnect after an error;
 * the contract instead ends the watch with exactly one {@code onError} (its owner, e.g. the watch
 * cache, relists and watches again), so the first error closes the jetcd watcher.
 *
 * <p>This object's monitor serialises listener calls with {@link #close}, so no call starts once
 * {@code close} has returned. jetcd's watcher is never closed while holding that monitor: jetcd
 * calls in here while holding its own lock, and closing it from inside its error path would end its
 * stream twice, hence the asynchronous close.
 */
final class EtcdWatchStream implements Watch.Listener, StorageWatch {

  private static final Logger LOG = LoggerFactory.getLogger(EtcdWatchStream.class);

  private final String prefix;
  private final long start;
  private final WatchListener listener;
  private final BooleanSupplier storageClosed;
  private boolean closed; // guarded by this
  private Watch.Watcher watcher; // guarded by this

  EtcdWatchStream(
      String prefix, long start, WatchListener listener, BooleanSupplier storageClosed) {
    this.prefix = prefix;
    this.start = start;
    this.listener = listener;
    this.storageClosed = storageClosed;
  }

  /** Binds the jetcd watcher, which may already have delivered (or failed). */
  void attach(Watch.Watcher w) {
    boolean stop;
    synchronized (this) {
      watcher = w;
      stop = closed;
    }
    if (stop) {
      closeAsync(w);
    }
  }

  @Override
  public void onNext(WatchResponse response) {
    List<WatchEvent> events = new ArrayList<>(response.getEvents().size());
    for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
      WatchEvent converted = convert(e);
      if (converted != null) {
        events.add(converted);
      }
    }
    if (events.isEmpty()) {
      return; // progress notification
    }
    RuntimeException thrown = null;
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        listener.onEvents(events);
      } catch (RuntimeException e) {
        thrown = e;
      }
    }
    if (thrown != null) {
      LOG.warn("watch listener on {} threw; ending the watch", prefix, thrown);
      end(thrown);
    }
  }

  @Override
  public void onError(Throwable error) {
    Throwable cause = EtcdErrors.unwrap(error);
    if (cause instanceof CompactedException c) {
      end(new StorageException.Compacted(prefix, start, c.getCompactedRevision()));
    } else {
      end(EtcdErrors.translate(prefix, cause, storageClosed.getAsBoolean()));
    }
  }

  @Override
  public void onCompleted() {
    // After our own close this is a no-op; otherwise the stream ended under us.
    end(
        storageClosed.getAsBoolean()
            ? EtcdStorage.closedError(prefix)
            : new StorageException.Unavailable(prefix, "etcd ended the watch stream", null));
  }

  @Override
  public void close() {
    Watch.Watcher w;
    synchronized (this) {
      closed = true;
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      closeAsync(w);
    }
  }

  private void end(Throwable error) {
    Watch.Watcher w;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      w = watcher;
      watcher = null;
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        LOG.warn("watch listener on {} threw from onError", prefix, e);
      }
    }
    if (w != null) {
      closeAsync(w);
    }
  }

  private static void closeAsync(Watch.Watcher w) {
    CompletableFuture.runAsync(w::close);
  }

  private static WatchEvent convert(io.etcd.jetcd.watch.WatchEvent e) {
    io.etcd.jetcd.KeyValue kv = e.getKeyValue();
    io.etcd.jetcd.KeyValue prev = e.getPrevKV();
    // An absent prev_kv arrives as an empty message (etcd omits it on create).
    boolean hasPrev = prev != null && !prev.getKey().isEmpty();
    byte[] prevValue = hasPrev ? prev.getValue().getBytes() : null;
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    return switch (e.getEventType()) {
      case PUT -> new WatchEvent(WatchEvent.Type.PUT, EtcdStorage.toKeyValue(kv), prevValue);
      case DELETE ->
          new WatchEvent(
              WatchEvent.Type.DELETE,
              new KeyValue(
                  key,
                  hasPrev ? prevValue : new byte[0],
                  hasPrev ? prev.getCreateRevision() : 0,
                  kv.getModRevision()),
              prevValue);
      default -> null;
    };
  }
}
