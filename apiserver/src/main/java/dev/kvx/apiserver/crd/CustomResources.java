package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.cache.CacheEvent;
import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.cache.WatchSink;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.strategy.Strategies;
import dev.kvx.apiserver.table.TableConvertor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves CustomResourceDefinitions like built-in kinds: validates CRDs on write (a strategy for
 * apiextensions.k8s.io/CustomResourceDefinition), follows the stored CRDs through the watch cache
 * and, for each, registers its resources, strategy and printer columns, sets its status, and
 * deletes its objects when it is deleted (see {@link DefinitionController}).
 *
 * <p>Wiring: {@code new CustomResources(vertx, registry, cache, ops, strategies, tables).start()},
 * and {@link #scale()} (or a {@link CustomResourceScale}) registered with the resource handler
 * before the built-in scale subresource.
 */
public final class CustomResources {

  private static final Logger LOG = LoggerFactory.getLogger(CustomResources.class);
  private static final long REWATCH_DELAY_MS = 200;

  private final WatchCache cache;
  private final Context context;
  private final DefinitionController controller;
  private final KeyQueue queue;
  private final Strategies strategies;
  private volatile WatchCache.CacheWatch watch;
  private volatile boolean closed;

  public CustomResources(Vertx vertx, ResourceRegistry registry, WatchCache cache, ResourceOperations ops,
      Strategies strategies, TableConvertor tables) {
    this.cache = cache;
    this.strategies = strategies;
    this.context = vertx.getOrCreateContext();
    KeyQueue[] q = new KeyQueue[1];
    this.controller = new DefinitionController(context, registry, cache, ops, strategies, tables,
        name -> q[0].addAfter(name, DefinitionController.INSTANCE_RECHECK_MS));
    this.queue = new KeyQueue(context, controller::reconcile);
    q[0] = queue;
  }

  /**
   * Installs the CRD strategy, serves every stored CRD and follows changes. Completes once the
   * CRDs stored now have been reconciled (served, or found invalid); a CRD created later is
   * served within milliseconds of its watch event.
   */
  public Future<Void> start() {
    strategies.register(Definition.GROUP, "CustomResourceDefinition", new CustomResourceDefinitionStrategy());
    return Future.<Future<Void>>future(p -> context.runOnContext(v -> p.complete(follow())))
        .compose(initial -> initial);
  }

  /** Stops following CRDs; what is served stays served. */
  public void close() {
    closed = true;
    queue.close();
    WatchCache.CacheWatch w = watch;
    if (w != null) {
      w.close();
    }
  }

  /** The scale subresource of custom resources, to register with the resource handler. */
  public ResourceHandler.SubresourceHandler scale() {
    return new CustomResourceScale(cache);
  }

  /**
   * The fields of a custom resource its schema does not know ({@code spec.foo}), for
   * fieldValidation Strict/Warn; empty for other kinds.
   */
  public List<String> unknownFields(ResourceType type, ObjectNode obj) {
    CustomResourceStrategy s = controller.strategyOf(type.group(), type.kind());
    return s == null ? List.of() : s.unknownFields(obj);
  }

  /** Lists the CRDs, queues each (and those served but gone), then watches from that revision. */
  private Future<Void> follow() {
    if (closed) {
      return Future.succeededFuture();
    }
    WatchCache.Snapshot snapshot = cache.list(DefinitionController.CRD_PREFIX);
    Set<String> names = new HashSet<>();
    for (CachedObject o : snapshot.items()) {
      names.add(o.key().substring(DefinitionController.CRD_PREFIX.length()));
    }
    List<Future<Void>> initial = new ArrayList<>();
    for (String gone : controller.servedNames()) {
      if (!names.contains(gone)) {
        initial.add(queue.add(gone));
      }
    }
    names.forEach(n -> initial.add(queue.add(n)));
    try {
      watch = cache.watch(DefinitionController.CRD_PREFIX, DefinitionController.CRD_PREFIX, snapshot.revision(),
          o -> true, context, new Sink());
    } catch (RuntimeException e) {
      LOG.warn("watching CustomResourceDefinitions failed ({}); retrying", e.toString());
      rewatchLater();
    }
    return Future.join(initial).mapEmpty();
  }

  private void rewatchLater() {
    if (!closed) {
      context.owner().setTimer(REWATCH_DELAY_MS, t -> context.runOnContext(v -> follow()));
    }
  }

  /** Watch events only queue the CRD's name; the controller reads the cache itself. */
  private final class Sink implements WatchSink {
    @Override
    public void event(CacheEvent.Type type, CachedObject object) {
      queue.add(Json.text(object.object(), "metadata", "name"));
    }

    @Override
    public void bookmark(long revision) {}

    @Override
    public void terminated(String reason) {
      LOG.info("CustomResourceDefinition watch ended ({}); relisting", reason);
      rewatchLater();
    }
  }
}
