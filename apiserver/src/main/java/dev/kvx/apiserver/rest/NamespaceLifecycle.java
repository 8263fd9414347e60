package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import io.vertx.core.Future;
import tools.jackson.databind.node.ObjectNode;

/**
 * The NamespaceLifecycle admission rule: new namespaced objects need an existing namespace that is
 * not terminating. Reads the watch cache first and falls back to storage, so a namespace created a
 * moment ago is never reported missing.
 */
public final class NamespaceLifecycle {

  private final WatchCache cache;
  private final ObjectStore store;
  private final ResourceType namespaces;

  public NamespaceLifecycle(WatchCache cache, ObjectStore store, ResourceType namespaces) {
    this.cache = cache;
    this.store = store;
    this.namespaces = namespaces;
  }

  public Future<Void> admitCreate(String namespace) {
    CachedObject cached = cache.get(namespaces.key(null, namespace));
    Future<ObjectNode> ns = cached != null
        ? Future.succeededFuture(cached.object())
        : store.get(namespaces, null, namespace);
    return ns.map(obj -> {
      if ("Terminating".equals(Json.text(obj, "status", "phase")) || obj.path("metadata").has("deletionTimestamp")) {
        throw terminating(namespace);
      }
      return (Void) null;
    });
  }

  private static StatusException terminating(String namespace) {
    return Statuses.forbidden("", "namespaces", namespace,
        "unable to create new content in namespace " + namespace + " because it is being terminated");
  }
}
