package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.cache.CacheEvent;
import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.cache.WatchSink;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import tools.jackson.databind.node.ObjectNode;

/**
 * Watch streams, served from the watch cache: newline-delimited JSON events over chunked HTTP (what
 * kubectl uses), or one event per text frame over a WebSocket (what fabric8 informers use).
 * Bookmarks when asked, {@code timeoutSeconds} honoured, 410 Expired as an ERROR event.
 */
public final class WatchHandler {

  /** Upstream's --min-request-timeout: watches without timeoutSeconds end after 30–60 minutes. */
  private static final int DEFAULT_TIMEOUT_S = 1800;
  private static final long BOOKMARK_INTERVAL_MS = 30_000;
  private static final int MAX_QUEUED_WRITES = 10_000;

  private final Vertx vertx;
  private final WatchCache cache;
  private final TablePrinter tables;
  private final Map<String, AtomicInteger> watchers = new ConcurrentHashMap<>();
  private volatile MeterRegistry meters;

  public WatchHandler(Vertx vertx, WatchCache cache, TablePrinter tables) {
    this.vertx = vertx;
    this.cache = cache;
    this.tables = tables;
  }

  /** Publishes apiserver_registered_watchers into {@code registry}. */
  public void bindMetrics(MeterRegistry registry) {
    this.meters = registry;
  }

  private AtomicInteger gauge(ResourceType type) {
    String id = type.group() + "/" + type.version() + "/" + type.kind();
    return watchers.computeIfAbsent(id, k -> {
      AtomicInteger n = new AtomicInteger();
      MeterRegistry r = meters;
      if (r != null) {
        Gauge.builder("apiserver_registered_watchers", n, AtomicInteger::get)
            .description("Number of currently registered watchers for a given resources")
            .tags("group", type.group(), "version", type.version(), "kind", type.kind())
            .register(r);
      }
      return n;
    });
  }

  public void watch(RoutingContext rc, ResourceType type, String ns, String name, ListOptions opts) {
    Negotiation n = Negotiation.of(rc.request().getHeader("Accept"));
    boolean table = n == Negotiation.TABLE_V1 || n == Negotiation.TABLE_V1BETA1;
    Predicate<CachedObject> filter = opts.filter();
    if (name != null) {
      String key = type.key(ns, name);
      Predicate<CachedObject> base = filter;
      filter = o -> o.key().equals(key) && base.test(o);
    }
    long from = opts.resourceVersion() == null || "0".equals(opts.resourceVersion()) || opts.sendInitialEvents()
        ? -1
        : Long.parseLong(opts.resourceVersion());
    int timeout = opts.timeoutSeconds() != null && opts.timeoutSeconds() > 0
        ? opts.timeoutSeconds()
        : DEFAULT_TIMEOUT_S + ThreadLocalRandom.current().nextInt(DEFAULT_TIMEOUT_S);
    Predicate<CachedObject> f = filter;
    String upgrade = rc.request().getHeader("Upgrade");
    if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
      rc.request().toWebSocket().onSuccess(ws -> {
        Stream s = new Stream(type, table, n == Negotiation.TABLE_V1BETA1, ResourceHandler.includeObject(rc), opts,
            line -> {
              if (ws.writeQueueFull()) {
                throw new IllegalStateException("slow watcher");
              }
              ws.writeTextMessage(line);
            },
            ws::close);
        ws.closeHandler(v -> s.stop());
        s.start(type, ns, from, f, timeout);
      }).onFailure(t -> Responses.error(rc, Statuses.badRequest("websocket upgrade failed: " + t.getMessage())));
      return;
    }
    HttpServerResponse resp = rc.response();
    int[] overflow = new int[1];
    resp.setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private")
        .setChunked(true);
    Stream s = new Stream(type, table, n == Negotiation.TABLE_V1BETA1, ResourceHandler.includeObject(rc), opts,
        line -> {
          if (!resp.writeQueueFull()) {
            overflow[0] = 0;
          } else if (++overflow[0] > MAX_QUEUED_WRITES) {
            throw new IllegalStateException("slow watcher");
          }
          resp.write(line + "\n");
        },
        () -> {
          if (!resp.ended()) {
            resp.end();
          }
        });
    resp.closeHandler(v -> s.stop());
    // Send the headers now: clients wait for them before reading events.
    resp.writeHead();
    s.start(type, ns, from, f, timeout);
  }

  /** One watch connection: cache events in, framed JSON lines out. */
  private final class Stream implements WatchSink {
    final ResourceType type;
    final boolean table;
    final boolean v1beta1;
    final String includeObject;
    final ListOptions opts;
    final Consumer<String> out;
    final Runnable end;
    WatchCache.CacheWatch watch;
    long timeoutTimer = -1;
    long bookmarkTimer = -1;
    boolean tableHeaderSent;
    boolean initialEndPending;
    boolean stopped;
    AtomicInteger counter;
    Context context;

    Stream(ResourceType type, boolean table, boolean v1beta1, String includeObject, ListOptions opts,
        Consumer<String> out, Runnable end) {
      this.type = type;
      this.table = table;
      this.v1beta1 = v1beta1;
      this.includeObject = includeObject;
      this.opts = opts;
      this.out = out;
      this.end = end;
    }

    void start(ResourceType type, String ns, long from, Predicate<CachedObject> filter, int timeoutSeconds) {
      context = Vertx.currentContext();
      try {
        watch = cache.watch(type.storagePrefix(), type.prefix(ns), from, filter, context, this);
      } catch (StatusException e) {
        emit("ERROR", Json.string(Statuses.toJson(e)));
        stop();
        return;
      }
      counter = gauge(type);
      counter.incrementAndGet();
      timeoutTimer = vertx.setTimer(timeoutSeconds * 1000L, t -> {
        if (opts.allowWatchBookmarks()) {
          cache.bookmark(watch);
        }
        vertx.setTimer(50, t2 -> stop());
      });
      if (opts.allowWatchBookmarks()) {
        if (opts.sendInitialEvents()) {
          initialEndPending = true;
          cache.bookmark(watch);
        }
        bookmarkTimer = vertx.setPeriodic(BOOKMARK_INTERVAL_MS, t -> cache.bookmark(watch));
      }
    }

    @Override
    public void event(CacheEvent.Type eventType, CachedObject object) {
      if (stopped) {
        return;
      }
      String body;
      if (table) {
        ObjectNode obj = ResourceHandler.versioned(type, object.object().deepCopy());
        ObjectNode t = tables.print(type, List.of(obj), includeObject,
            Long.toString(object.resourceVersion()), null, v1beta1, !tableHeaderSent);
        tableHeaderSent = true;
        body = Json.string(t);
      } else {
        body = new String(ResourceHandler.bytesAt(type.apiVersion(), object), java.nio.charset.StandardCharsets.UTF_8);
      }
      emit(eventType.name(), body);
    }

    @Override
    public void bookmark(long revision) {
      if (stopped || !opts.allowWatchBookmarks()) {
        return;
      }
      ObjectNode obj = Json.object();
      obj.put("kind", type.kind());
      obj.put("apiVersion", type.apiVersion());
      ObjectNode meta = obj.putObject("metadata");
      meta.put("resourceVersion", Long.toString(revision));
      if (initialEndPending) {
        meta.putObject("annotations").put("k8s.io/initial-events-end", "true");
        initialEndPending = false;
      }
      emit("BOOKMARK", Json.string(obj));
    }

    @Override
    public void terminated(String reason) {
      stop();
    }

    private void emit(String eventType, String objectJson) {
      try {
        out.accept("{\"type\":\"" + eventType + "\",\"object\":" + objectJson + "}");
      } catch (RuntimeException e) {
        stop();
      }
    }

    void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      if (watch != null) {
        watch.close();
        counter.decrementAndGet();
      }
      if (timeoutTimer >= 0) {
        vertx.cancelTimer(timeoutTimer);
      }
      if (bookmarkTimer >= 0) {
        vertx.cancelTimer(bookmarkTimer);
      }
      end.run();
    }
  }

}
