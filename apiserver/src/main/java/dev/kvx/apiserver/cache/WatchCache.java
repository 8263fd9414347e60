package dev.kvx.apiserver.cache;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RangeResult;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageWatch;
import dev.kvx.apiserver.storage.WatchEvent;
import dev.kvx.apiserver.storage.WatchListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API server's in-memory view of everything under {@code /registry/}: lists and watches are
 * served from here, so many clients never multiply the load on the store.
 *
 * <p>It is fed by a single storage watch over the whole registry (not one per type). One stream
 * gives every resource the same revision clock, so a consistent read ({@code resourceVersion=""})
 * is served from memory once the cache has seen the store's current revision — no progress
 * notifications needed. Each storage prefix keeps its own bounded event history, so churn in one
 * type (events, leases) does not expire watches of another.
 *
 * <p>Threading: storage events are applied under one lock, which also covers watcher registration,
 * so a new watcher's replay and its live events neither overlap nor leave a gap. Delivery to a
 * watcher hops onto that watcher's Vert.x context in order.
 */
public final class WatchCache implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
  public static final String ROOT = "/registry/";
  /** A watcher with this many undelivered events is too slow and is terminated, as upstream. */
  private static final int MAX_PENDING = 20_000;

  private final Vertx vertx;
  private final Storage storage;
  private final int historyCapacity;
  private final Object lock = new Object();
  private final TreeMap<String, CachedObject> objects = new TreeMap<>();
  private final Map<String, History> histories = new ConcurrentHashMap<>();
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private volatile long revision;
  private volatile boolean ready;
  private StorageWatch storageWatch;
  private volatile boolean closed;

  public WatchCache(Vertx vertx, Storage storage, int historyCapacity) {
    this.vertx = vertx;
    this.storage = storage;
    this.historyCapacity = historyCapacity;
  }

  /** Lists the registry and starts following it. */
  public Future<Void> start() {
    return storage.list(ROOT).map(range -> {
      synchronized (lock) {
        load(range);
      }
      follow(range.revision() + 1);
      return null;
    });
  }

  private void load(RangeResult range) {
    objects.clear();
    for (KeyValue kv : range.items()) {
      objects.put(kv.key(), decode(kv.key(), kv.value(), kv.modRevision()));
    }
    revision = range.revision();
    // Histories restart complete from here; older resourceVersions now answer 410.
    histories.values().forEach(h -> h.reset(revision));
    ready = true;
  }

  private void follow(long fromRevision) {
    storageWatch = storage.watch(ROOT, fromRevision, new WatchListener() {
      @Override
      public void onEvents(List<WatchEvent> events) {
        apply(events);
      }

      @Override
      public void onError(Throwable error) {
        if (!closed) {
          LOG.warn("registry watch ended ({}); relisting", error.toString());
          relist();
        }
      }
    });
  }

  /** After a lost or compacted storage watch: reload, and end every watcher so clients resume. */
  private void relist() {
    StorageWatch old = storageWatch;
    if (old != null) {
      old.close();
    }
    vertx.setTimer(100, t -> storage.list(ROOT).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("relist failed: {}", ar.cause().toString());
        relist();
        return;
      }
      synchronized (lock) {
        load(ar.result());
        for (Watcher w : watchers) {
          w.terminate("watch cache re-initialised");
        }
        watchers.clear();
      }
      follow(ar.result().revision() + 1);
    }));
  }

  /** Registers a history for a storage prefix (idempotent); call when a resource is served. */
  public void track(String storagePrefix) {
    histories.computeIfAbsent(storagePrefix, p -> new History(historyCapacity, revision));
  }

  private void apply(List<WatchEvent> events) {
    // Decoding (parse, stamp the resourceVersion, re-serialise) is the costly part: done before
    // taking the lock, so reads and watch registrations on other event loops are not held up by it.
    CachedObject[] decoded = new CachedObject[events.size()];
    for (int i = 0; i < decoded.length; i++) {
      WatchEvent e = events.get(i);
      byte[] value = e.kv().value();
      if (e.type() == WatchEvent.Type.PUT || (value != null && value.length > 0)) {
        decoded[i] = decode(e.kv().key(), value, e.revision());
      }
    }
    List<Waiter> done = new ArrayList<>();
    synchronized (lock) {
      for (int i = 0; i < decoded.length; i++) {
        WatchEvent e = events.get(i);
        if (e.revision() <= revision) {
          continue; // already seen (replayed after a reconnect)
        }
        String key = e.kv().key();
        CachedObject prev = objects.get(key);
        CacheEvent event;
        if (e.type() == WatchEvent.Type.PUT) {
          CachedObject now = decoded[i];
          objects.put(key, now);
          event = new CacheEvent(prev == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED, now, prev);
        } else {
          objects.remove(key);
          CachedObject last = decoded[i] != null
              ? decoded[i]
              : prev == null ? null : decode(key, prev.json(), e.revision());
          if (last == null) {
            revision = e.revision();
            continue;
          }
          event = new CacheEvent(CacheEvent.Type.DELETED, last, prev);
        }
        revision = e.revision();
        History h = historyOf(key);
        if (h != null) {
          h.add(event);
        }
        for (Watcher w : watchers) {
          if (key.startsWith(w.prefix)) {
            w.offer(event);
          }
        }
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (revision >= w.revision) {
          it.remove();
          done.add(w);
        }
      }
    }
    done.forEach(Waiter::complete);
  }

  private History historyOf(String key) {
    // Keys are /registry/<resource>/… or /registry/<group>/<resource>/…
    int first = key.indexOf('/', ROOT.length());
    if (first < 0) {
      return null;
    }
    History h = histories.get(key.substring(0, first + 1));
    if (h != null) {
      return h;
    }
    int second = key.indexOf('/', first + 1);
    return second < 0 ? null : histories.get(key.substring(0, second + 1));
  }

  private static CachedObject decode(String key, byte[] value, long rv) {
    ObjectNode obj = (ObjectNode) Json.parse(value);
    Json.with(obj, "metadata").put("resourceVersion", Long.toString(rv));
    return new CachedObject(key, obj, Json.bytes(obj), rv);
  }

  public boolean isReady() {
    return ready;
  }

  /** The revision the cache has caught up to. */
  public long revision() {
    return revision;
  }

  public CachedObject get(String key) {
    synchronized (lock) {
      return objects.get(key);
    }
  }

  /** A consistent snapshot of the objects under a prefix, in key order. */
  public record Snapshot(List<CachedObject> items, long revision) {}

  public Snapshot list(String prefix) {
    synchronized (lock) {
      NavigableMap<String, CachedObject> range = objects.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
      return new Snapshot(new ArrayList<>(range.values()), revision);
    }
  }

  /** Like {@link #list} but only keys after {@code startAfter}, at most {@code limit} matching ones. */
  public record Page(List<CachedObject> items, long revision, String lastKey, long remaining) {}

  public Page page(String prefix, String startAfter, int limit, Predicate<CachedObject> filter) {
    synchronized (lock) {
      NavigableMap<String, CachedObject> range = objects.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
      if (startAfter != null) {
        range = range.tailMap(startAfter, false);
      }
      List<CachedObject> out = new ArrayList<>(Math.min(limit, 1024));
      String last = null;
      long remaining = 0;
      for (CachedObject o : range.values()) {
        if (!filter.test(o)) {
          continue;
        }
        if (out.size() < limit) {
          out.add(o);
          last = o.key();
        } else {
          remaining++;
        }
      }
      return new Page(out, revision, remaining > 0 ? last : null, remaining);
    }
  }

  public int count(String prefix) {
    synchronized (lock) {
      return objects.subMap(prefix, true, prefix + Character.MAX_VALUE, false).size();
    }
  }

  /**
   * Completes on {@code context} once the cache has seen {@code rev}, or fails with 504 after
   * {@code timeoutMs}.
   */
  public Future<Void> waitFor(long rev, long timeoutMs, Context context) {
    if (revision >= rev) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    Waiter w = new Waiter(rev, p, context);
    synchronized (lock) {
      if (revision >= rev) {
        return Future.succeededFuture();
      }
      waiters.add(w);
    }
    w.timer = vertx.setTimer(timeoutMs, t -> {
      boolean removed;
      synchronized (lock) {
        removed = waiters.remove(w);
      }
      if (removed) {
        p.tryFail(Statuses.timeout("Too large resource version: " + rev + ", current: " + revision));
      }
    });
    return p.future();
  }

  /** The store's current revision, then {@link #waitFor} it: a consistent read from memory. */
  public Future<Long> sync(Context context) {
    return storage.currentRevision().compose(rev -> waitFor(rev, 3000, context).map(v -> rev));
  }

  /**
   * Starts a watch of the keys under {@code prefix}.
   *
   * @param fromRevision deliver events after this revision; {@code -1} first sends the current
   *     state as ADDED events (resourceVersion unset or "0")
   * @throws StatusException 410 Expired when {@code fromRevision} is older than the history kept
   */
  public CacheWatch watch(
      String storagePrefix,
      String prefix,
      long fromRevision,
      Predicate<CachedObject> filter,
      Context context,
      WatchSink sink) {
    Watcher w = new Watcher(prefix, filter, context, sink);
    synchronized (lock) {
      if (fromRevision < 0) {
        for (CachedObject o : objects.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values()) {
          w.offer(new CacheEvent(CacheEvent.Type.ADDED, o, null));
        }
      } else {
        History h = histories.computeIfAbsent(storagePrefix, p -> new History(historyCapacity, revision));
        if (fromRevision < h.complete) {
          throw Statuses.expired("too old resource version: " + fromRevision + " (" + h.complete + ")");
        }
        for (CacheEvent e : h.events) {
          if (e.revision() > fromRevision && e.object().key().startsWith(prefix)) {
            w.offer(e);
          }
        }
      }
      watchers.add(w);
    }
    return w;
  }

  /** Sends a bookmark at the current revision through the watcher's ordered queue. */
  public void bookmark(CacheWatch watch) {
    synchronized (lock) {
      ((Watcher) watch).offerBookmark(revision);
    }
  }

  public int watcherCount() {
    return watchers.size();
  }

  @Override
  public void close() {
    closed = true;
    if (storageWatch != null) {
      storageWatch.close();
    }
    for (Watcher w : watchers) {
      w.terminate("API server shutting down");
    }
    watchers.clear();
  }

  /** A running cache watch. */
  public interface CacheWatch extends AutoCloseable {
    @Override
    void close();
  }

  private final class Watcher implements CacheWatch {
    final String prefix;
    final Predicate<CachedObject> filter;
    final Context context;
    final WatchSink sink;
    final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean stopped;

    Watcher(String prefix, Predicate<CachedObject> filter, Context context, WatchSink sink) {
      this.prefix = prefix;
      this.filter = filter;
      this.context = context;
      this.sink = sink;
    }

    /** Called under the cache lock. */
    void offer(CacheEvent e) {
      if (stopped) {
        return;
      }
      boolean now = filter.test(e.object());
      boolean before = e.previous() != null && e.type() != CacheEvent.Type.ADDED && filter.test(e.previous());
      CacheEvent.Type type;
      switch (e.type()) {
        case ADDED -> type = now ? CacheEvent.Type.ADDED : null;
        case DELETED -> type = (now || before) ? CacheEvent.Type.DELETED : null;
        default -> type = now && before ? CacheEvent.Type.MODIFIED
            : now ? CacheEvent.Type.ADDED
            : before ? CacheEvent.Type.DELETED
            : null;
      }
      if (type == null) {
        return;
      }
      if (pending.incrementAndGet() > MAX_PENDING) {
        terminate("watcher too slow");
        return;
      }
      CachedObject obj = e.object();
      context.runOnContext(v -> {
        pending.decrementAndGet();
        if (!stopped) {
          sink.event(type, obj);
        }
      });
    }

    void offerBookmark(long rev) {
      if (!stopped) {
        context.runOnContext(v -> {
          if (!stopped) {
            sink.bookmark(rev);
          }
        });
      }
    }

    void terminate(String reason) {
      if (!stopped) {
        stopped = true;
        watchers.remove(this);
        context.runOnContext(v -> sink.terminated(reason));
      }
    }

    @Override
    public void close() {
      stopped = true;
      watchers.remove(this);
    }
  }

  private static final class History {
    final int capacity;
    final ArrayDeque<CacheEvent> events = new ArrayDeque<>();
    /** Every event after this revision is in {@link #events}. */
    long complete;

    History(int capacity, long complete) {
      this.capacity = capacity;
      this.complete = complete;
    }

    void add(CacheEvent e) {
      events.addLast(e);
      if (events.size() > capacity) {
        complete = events.removeFirst().revision();
      }
    }

    void reset(long rev) {
      events.clear();
      complete = rev;
    }
  }

  private static final class Waiter {
    final long revision;
    final Promise<Void> promise;
    final Context context;
    long timer = -1;

    Waiter(long revision, Promise<Void> promise, Context context) {
      this.revision = revision;
      this.promise = promise;
      this.context = context;
    }

    void complete() {
      if (timer >= 0) {
        context.owner().cancelTimer(timer);
      }
      context.runOnContext(v -> promise.tryComplete());
    }
  }
}
