package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.openapi.SchemaCatalog;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.strategy.Strategies;
import dev.kvx.apiserver.table.PrinterColumn;
import dev.kvx.apiserver.table.TableConvertor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reconciles one CRD (by name) into what the API server serves, as apiextensions-apiserver's
 * naming, establishing and finalizer controllers together: checks its names against the other
 * CRDs of its group, registers its kind's strategy, printer columns and one resource per served
 * version, publishes acceptedNames and the NamesAccepted/Established conditions, and when the CRD
 * is deleted, deletes all its objects before removing the cleanup finalizer. A CRD that is gone
 * is no longer served.
 *
 * <p>{@link #reconcile} is idempotent and reads the CRD from the watch cache. It runs on the
 * controller's context ({@link KeyQueue} never runs one name twice at once); the serving state is
 * only touched there, synchronously, before any asynchronous step.
 */
final class DefinitionController {

  static final String CRD_PREFIX = "/registry/apiextensions.k8s.io/customresourcedefinitions/";
  /** How long to wait before looking again at objects that are still there (their own finalizers). */
  static final long INSTANCE_RECHECK_MS = 1000;

  private final Context context;
  private final ResourceRegistry registry;
  private final WatchCache cache;
  private final ResourceOperations ops;
  private final Strategies strategies;
  private final TableConvertor tables;
  private final ResourceType crdType;
  private final Consumer<String> requeueLater;
  /** What each CRD (by name) is served as; touched only on {@link #context}. */
  private final Map<String, Served> served = new HashMap<>();
  /** The strategy of each served kind ({@code group/kind}), readable from any thread. */
  private final Map<String, CustomResourceStrategy> kinds = new ConcurrentHashMap<>();

  private record Served(Definition definition, List<ResourceType> types) {}

  DefinitionController(Context context, ResourceRegistry registry, WatchCache cache, ResourceOperations ops,
      Strategies strategies, TableConvertor tables, Consumer<String> requeueLater) {
    this.context = context;
    this.registry = registry;
    this.cache = cache;
    this.ops = ops;
    this.strategies = strategies;
    this.tables = tables;
    this.requeueLater = requeueLater;
    this.crdType = registry.find(Definition.GROUP, "v1", "customresourcedefinitions").orElseThrow();
  }

  /** Names of the CRDs currently served (to find those deleted while nobody watched). */
  Set<String> servedNames() {
    return Set.copyOf(served.keySet());
  }

  CustomResourceStrategy strategyOf(String group, String kind) {
    return kinds.get(group + "/" + kind);
  }

  Future<?> reconcile(String name) {
    CachedObject cached = cache.get(CRD_PREFIX + name);
    if (cached == null) {
      unserve(name);
      return Future.succeededFuture();
    }
    ObjectNode crd = cached.object();
    Definition def = Definition.parse(crd);
    if (def.storageVersion() == null || def.group().isEmpty() || def.names().plural().isEmpty()) {
      return Future.succeededFuture(); // never accepted by validation; nothing can be served
    }
    DefinitionStatus.Conflict conflict = conflict(def);
    if (conflict == null) {
      serve(def);
    }
    boolean established = served.containsKey(name);
    boolean cleaning = def.terminating() && finalizers(crd).contains(CustomResourceDefinitionStrategy.CLEANUP_FINALIZER);
    DefinitionStatus.Conflict terminating = cleaning
        ? new DefinitionStatus.Conflict("InstanceDeletionInProgress", "CustomResource deletion is in progress")
        : null;
    ObjectNode accepted = conflict == null ? def.names().toJson() : null;
    Future<?> status = writeStatus(name, crd, accepted, conflict, established, terminating);
    return cleaning ? status.compose(v -> cleanup(name, def)) : status;
  }

  // ---- naming ------------------------------------------------------------------------------

  /** A names conflict with another served CRD of the same group, as the naming controller finds. */
  private DefinitionStatus.Conflict conflict(Definition def) {
    Definition.Names n = def.names();
    for (Served other : served.values()) {
      Definition o = other.definition();
      if (o.name().equals(def.name()) || !o.group().equals(def.group())) {
        continue;
      }
      Definition.Names on = o.names();
      List<String> resources = new ArrayList<>(List.of(on.plural(), on.singular()));
      resources.addAll(on.shortNames());
      List<String> kinds = List.of(on.kind(), on.listKind());
      if (resources.contains(n.plural())) {
        return inUse("PluralConflict", n.plural());
      }
      if (resources.contains(n.singular())) {
        return inUse("SingularConflict", n.singular());
      }
      for (String s : n.shortNames()) {
        if (resources.contains(s)) {
          return inUse("ShortNamesConflict", s);
        }
      }
      if (kinds.contains(n.kind())) {
        return inUse("KindConflict", n.kind());
      }
      if (kinds.contains(n.listKind())) {
        return inUse("ListKindConflict", n.listKind());
      }
    }
    return null;
  }

  private static DefinitionStatus.Conflict inUse(String reason, String name) {
    return new DefinitionStatus.Conflict(reason, GoFormat.quote(name) + " is already in use");
  }

  // ---- serving -----------------------------------------------------------------------------

  private void serve(Definition def) {
    Served previous = served.get(def.name());
    CustomResourceStrategy strategy = new CustomResourceStrategy(def);
    strategies.register(def.group(), def.names().kind(), strategy);
    kinds.put(def.group() + "/" + def.names().kind(), strategy);
    List<ResourceType> types = new ArrayList<>();
    for (ResourceType t : def.servedTypes()) {
      ResourceType existing = registry.find(t.group(), t.version(), t.plural()).orElse(null);
      if (existing != null && !existing.storagePrefix().equals(t.storagePrefix())) {
        continue; // a built-in resource owns this path; it wins, as upstream's delegation order
      }
      types.add(t);
      Definition.Version v = def.version(t.version());
      tables.setPrinterColumns(t.group(), t.version(), t.kind(), PrinterColumn.fromCrd(v.printerColumns()));
      SchemaCatalog schemas = ops.schemas();
      if (schemas != null) {
        // OpenAPI documents, strategic merge and server-side apply read the version's schema there.
        schemas.putCustomResourceSchema(t.group(), t.version(), t.kind(), v.schema() == null ? null : v.schema().raw);
      }
    }
    if (previous != null) {
      Definition before = previous.definition();
      if (!before.names().kind().equals(def.names().kind())) {
        kinds.remove(before.group() + "/" + before.names().kind());
      }
      boolean reordered = !versions(previous.types()).equals(versions(types));
      for (ResourceType old : previous.types()) {
        boolean kept = types.stream().anyMatch(t -> t.version().equals(old.version()) && t.kind().equals(old.kind()));
        if (reordered || !kept) {
          removeType(old, kept);
        }
      }
    }
    // Discovery lists a group's versions in registration order, the first being preferred:
    // types are added most preferred first, and re-added all when the version list changes.
    for (ResourceType t : types) {
      if (!registry.find(t.group(), t.version(), t.plural()).map(t::equals).orElse(false)) {
        registry.add(t);
      }
    }
    served.put(def.name(), new Served(def, List.copyOf(types)));
  }

  private void unserve(String name) {
    Served previous = served.remove(name);
    if (previous == null) {
      return;
    }
    previous.types().forEach(t -> removeType(t, false));
    Definition def = previous.definition();
    kinds.remove(def.group() + "/" + def.names().kind());
  }

  private void removeType(ResourceType t, boolean keepColumns) {
    if (registry.find(t.group(), t.version(), t.plural()).map(r -> r.storagePrefix().equals(t.storagePrefix()))
        .orElse(false)) {
      registry.remove(t);
    }
    if (!keepColumns) {
      tables.removePrinterColumns(t.group(), t.version(), t.kind());
      SchemaCatalog schemas = ops.schemas();
      if (schemas != null) {
        schemas.removeCustomResourceSchema(t.group(), t.version(), t.kind());
      }
    }
  }

  private static List<String> versions(List<ResourceType> types) {
    return types.stream().map(ResourceType::version).toList();
  }

  // ---- status ------------------------------------------------------------------------------

  private Future<?> writeStatus(String name, ObjectNode crd, ObjectNode accepted, DefinitionStatus.Conflict conflict,
      boolean established, DefinitionStatus.Conflict terminating) {
    Instant now = Instant.now();
    ObjectNode wanted = DefinitionStatus.desired(crd.get("status"), accepted, conflict, established, terminating, now);
    if (wanted.equals(crd.get("status"))) {
      return Future.succeededFuture();
    }
    return ops.guaranteedUpdate(crdType, null, name, "status", false, current -> {
      current.set("status",
          DefinitionStatus.desired(current.get("status"), accepted, conflict, established, terminating, now));
      return current;
    }).recover(e -> Statuses.isNotFound(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  // ---- deletion ----------------------------------------------------------------------------

  /**
   * The finalizer's work: delete every object of the CRD, and once none is left (objects with
   * finalizers of their own may take a while) remove the cleanup finalizer, which lets the CRD go.
   */
  private Future<?> cleanup(String name, Definition def) {
    ResourceType type = def.storageType();
    List<CachedObject> objects = cache.list(def.storagePrefix()).items();
    if (objects.isEmpty()) {
      return removeFinalizer(name);
    }
    List<Future<?>> deletes = new ArrayList<>();
    for (CachedObject o : objects) {
      String ns = Json.text(o.object(), "metadata", "namespace");
      String objName = Json.text(o.object(), "metadata", "name");
      deletes.add(ops.delete(type, type.namespaced() ? ns : null, objName, ResourceOperations.DeleteOptions.DEFAULT)
          .recover(e -> Statuses.isNotFound(e) ? Future.succeededFuture() : Future.failedFuture(e)));
    }
    return Future.all(deletes)
        .compose(v -> cache.sync(context))
        .compose(rev -> {
          if (cache.count(def.storagePrefix()) == 0) {
            return removeFinalizer(name);
          }
          requeueLater.accept(name);
          return Future.succeededFuture();
        });
  }

  private Future<?> removeFinalizer(String name) {
    return ops.guaranteedUpdate(crdType, null, name, null, false, current -> {
      JsonNode list = current.path("metadata").get("finalizers");
      if (list instanceof ArrayNode finalizers) {
        for (int i = finalizers.size() - 1; i >= 0; i--) {
          if (CustomResourceDefinitionStrategy.CLEANUP_FINALIZER.equals(finalizers.get(i).asString(""))) {
            finalizers.remove(i);
          }
        }
        if (finalizers.isEmpty()) {
          ((ObjectNode) current.get("metadata")).remove("finalizers");
        }
      }
      return current;
    }).recover(e -> Statuses.isNotFound(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private static List<String> finalizers(JsonNode obj) {
    return Definition.strings(obj.path("metadata").get("finalizers"));
  }
}
