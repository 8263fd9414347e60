package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageException;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.node.ObjectNode;

/**
 * Objects of one resource in storage: the codec between {@link ObjectNode}s and stored bytes, and
 * the mapping of storage errors to Kubernetes Statuses. As kube-apiserver's etcd3 store, the
 * stored bytes carry no resourceVersion; it is the key's modRevision, set on the way out.
 */
public final class ObjectStore {

  private final Storage storage;
  private final List<StoreHook> hooks = new CopyOnWriteArrayList<>();

  public ObjectStore(Storage storage) {
    this.storage = storage;
  }

  public void addHook(StoreHook hook) {
    hooks.add(hook);
  }

  public Storage storage() {
    return storage;
  }

  /** The stored object (with resourceVersion), or 404. */
  public Future<ObjectNode> get(ResourceType type, String namespace, String name) {
    return storage.get(type.key(namespace, name)).map(kv -> {
      if (kv == null) {
        throw Statuses.notFound(type.group(), type.plural(), name);
      }
      return decode(kv);
    });
  }

  /** Stores a new object; 409 AlreadyExists when the key exists. */
  public Future<ObjectNode> create(ResourceType type, ObjectNode obj) {
    String name = Json.text(obj, "metadata", "name");
    String ns = Json.text(obj, "metadata", "namespace");
    Future<Void> before = Future.succeededFuture();
    for (StoreHook h : hooks) {
      if (h.appliesTo(type)) {
        before = before.compose(v -> h.beforeCreate(type, obj));
      }
    }
    return before.compose(v -> storage.create(type.key(ns, name), encode(obj))
        .map(kv -> withVersion(obj, kv.modRevision()))
        .recover(e -> {
          hooks.stream().filter(h -> h.appliesTo(type)).forEach(h -> h.createFailed(type, obj));
          return Future.failedFuture(map(e, type, name));
        }));
  }

  /**
   * What {@link #create} would store, without storing anything (dryRun=All): 409 AlreadyExists when
   * the name is taken, as upstream's dry-run storage answers, and the fields hooks fill in (a
   * Service's clusterIP) chosen without being held.
   */
  public Future<ObjectNode> dryRunCreate(ResourceType type, ObjectNode obj) {
    String name = Json.text(obj, "metadata", "name");
    String ns = Json.text(obj, "metadata", "namespace");
    return storage.get(type.key(ns, name)).compose(kv -> {
      if (kv != null) {
        return Future.failedFuture(Statuses.alreadyExists(type.group(), type.plural(), name));
      }
      Future<Void> chain = Future.succeededFuture();
      for (StoreHook h : hooks) {
        if (h.appliesTo(type)) {
          chain = chain.compose(v -> h.dryRunCreate(type, obj));
        }
      }
      return chain.map(obj);
    });
  }

  /** Compare-and-swap update at {@code expectedRevision}; 409 Conflict when it is stale. */
  public Future<ObjectNode> update(ResourceType type, ObjectNode obj, long expectedRevision) {
    String name = Json.text(obj, "metadata", "name");
    String ns = Json.text(obj, "metadata", "namespace");
    Future<Void> before = Future.succeededFuture();
    if (hooks.stream().anyMatch(h -> h.appliesTo(type))) {
      before = storage.get(type.key(ns, name)).compose(kv -> {
        Future<Void> chain = Future.succeededFuture();
        ObjectNode old = kv == null ? null : decode(kv);
        for (StoreHook h : hooks) {
          if (h.appliesTo(type)) {
            chain = chain.compose(v -> old == null ? Future.succeededFuture() : h.beforeUpdate(type, obj, old));
          }
        }
        return chain;
      });
    }
    return before.compose(v -> storage.update(type.key(ns, name), encode(obj), expectedRevision))
        .map(kv -> withVersion(obj, kv.modRevision()))
        .recover(e -> Future.failedFuture(map(e, type, name)));
  }

  /** Deletes at {@code expectedRevision}; returns the last state, versioned at the delete. */
  public Future<ObjectNode> delete(ResourceType type, String namespace, String name, long expectedRevision) {
    return storage.delete(type.key(namespace, name), expectedRevision)
        .map(ObjectStore::decode)
        .onSuccess(obj -> hooks.stream().filter(h -> h.appliesTo(type)).forEach(h -> h.afterDelete(type, obj)))
        .recover(e -> Future.failedFuture(map(e, type, name)));
  }

  static ObjectNode decode(KeyValue kv) {
    ObjectNode obj = (ObjectNode) Json.parse(kv.value());
    Json.with(obj, "metadata").put("resourceVersion", Long.toString(kv.modRevision()));
    return obj;
  }

  private static byte[] encode(ObjectNode obj) {
    ObjectNode meta = (ObjectNode) obj.get("metadata");
    String rv = meta == null ? null : Json.text(meta, "resourceVersion");
    if (rv == null) {
      return Json.bytes(obj);
    }
    meta.remove("resourceVersion");
    try {
      return Json.bytes(obj);
    } finally {
      meta.put("resourceVersion", rv);
    }
  }

  private static ObjectNode withVersion(ObjectNode obj, long rev) {
    Json.with(obj, "metadata").put("resourceVersion", Long.toString(rev));
    return obj;
  }

  private static Throwable map(Throwable e, ResourceType type, String name) {
    if (e instanceof StorageException.KeyExists) {
      return Statuses.alreadyExists(type.group(), type.plural(), name);
    }
    if (e instanceof StorageException.KeyNotFound) {
      return Statuses.notFound(type.group(), type.plural(), name);
    }
    if (e instanceof StorageException.Conflict) {
      return Statuses.staleResourceVersion(type.group(), type.plural(), name);
    }
    if (e instanceof StorageException.Unavailable) {
      return Statuses.serviceUnavailable("storage unavailable: " + e.getMessage());
    }
    return e;
  }
}
