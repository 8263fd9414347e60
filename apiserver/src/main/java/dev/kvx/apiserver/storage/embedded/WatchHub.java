package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.StorageException;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchEvent;
import dev.kvx.apiserver.storage.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans committed events out to watches on one dispatcher thread, which alone owns the event history
 * and the list of watches. Because registering a watch, publishing events and compacting are all
 * tasks on that one thread, a new watch replays exactly the history published before it and then
 * sees every later batch: nothing is lost or repeated between replay and live delivery.
 */
final class WatchHub {

  private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

  /** Replays are handed to listeners in slices of this many events. */
  static final int REPLAY_CHUNK = 1000;

  private final ExecutorService dispatcher;
  private final EventHistory history; // dispatcher thread only
  private final List<Registration> watches = new ArrayList<>(); // dispatcher thread only
  private volatile Thread dispatcherThread;

  WatchHub(String name, EventHistory history) {
    this.history = history;
    this.dispatcher =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name + "-watch-dispatcher");
              t.setDaemon(true);
              dispatcherThread = t;
              return t;
            });
  }

  /** Starts a watch of keys under {@code prefix} from {@code startRevision} (resolved, above 0). */
  StorageWatch watch(String prefix, long startRevision, WatchListener listener) {
    Registration w = new Registration(prefix, startRevision, listener);
    if (!post(() -> register(w))) {
      w.fail(new StorageException.Unavailable(prefix, "storage closed", null));
    }
    return w;
  }

  /** Delivers one committed batch (ascending revisions) to every matching watch. */
  void publish(List<WatchEvent> events) {
    post(() -> dispatch(events));
  }

  /** Forgets history at and below {@code revision}; later watches from there fail Compacted. */
  void compact(long revision) {
    post(() -> history.compact(revision));
  }

  /** Whether the caller is the dispatcher thread, i.e. a watch listener. */
  boolean onDispatcherThread() {
    return Thread.currentThread() == dispatcherThread;
  }

  /** Ends every watch with {@code reason} and stops the dispatcher thread. */
  void close(Throwable reason) {
    post(
        () -> {
          for (Registration w : watches) {
            w.fail(reason);
          }
          watches.clear();
        });
    dispatcher.shutdown();
    if (Thread.currentThread() == dispatcherThread) {
      return; // closed from a listener: the thread ends after this task
    }
    try {
      if (!dispatcher.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("watch dispatcher did not stop within 5s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean post(Runnable task) {
    try {
      dispatcher.execute(task);
      return true;
    } catch (RejectedExecutionException closed) {
      return false;
    }
  }

  private void register(Registration w) {
    if (w.isClosed()) {
      return;
    }
    if (w.start <= history.droppedThrough()) {
      w.fail(new StorageException.Compacted(w.prefix, w.start, history.droppedThrough()));
      return;
    }
    List<WatchEvent> chunk = new ArrayList<>();
    for (int i = history.indexOf(w.start); i < history.size(); i++) {
      WatchEvent e = history.get(i);
      if (e.kv().key().startsWith(w.prefix)) {
        chunk.add(e);
        if (chunk.size() == REPLAY_CHUNK) {
          if (!w.deliver(chunk)) {
            return;
          }
          chunk = new ArrayList<>();
        }
      }
    }
    if (!chunk.isEmpty() && !w.deliver(chunk)) {
      return;
    }
    watches.add(w);
  }

  private void dispatch(List<WatchEvent> events) {
    for (WatchEvent e : events) {
      history.append(e);
    }
    watches.removeIf(Registration::isClosed);
    for (Registration w : watches) {
      List<WatchEvent> matching = null;
      for (WatchEvent e : events) {
        if (e.revision() >= w.start && e.kv().key().startsWith(w.prefix)) {
          if (matching == null) {
            matching = new ArrayList<>();
          }
          matching.add(e);
        }
      }
      if (matching != null) {
        w.deliver(matching);
      }
    }
  }

  /** One watch. Its monitor makes {@link #close} wait out a listener call in progress. */
  private final class Registration implements StorageWatch {
    final String prefix;
    final long start;
    final WatchListener listener;
    private boolean closed; // guarded by this

    Registration(String prefix, long start, WatchListener listener) {
      this.prefix = prefix;
      this.start = start;
      this.listener = listener;
    }

    synchronized boolean isClosed() {
      return closed;
    }

    /** Calls the listener unless closed; a listener that throws ends its watch. */
    synchronized boolean deliver(List<WatchEvent> events) {
      if (closed) {
        return false;
      }
      try {
        listener.onEvents(events);
        return true;
      } catch (RuntimeException e) {
        LOG.warn("watch listener on {} threw; ending the watch", prefix, e);
        fail(e);
        return false;
      }
    }

    synchronized void fail(Throwable error) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        LOG.warn("watch listener on {} threw from onError", prefix, e);
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        closed = true;
      }
      // Dropped from the list by the next dispatch; nothing more to do here.
    }
  }
}
