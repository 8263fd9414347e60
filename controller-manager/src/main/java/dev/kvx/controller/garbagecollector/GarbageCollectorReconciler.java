package dev.kvx.controller.garbagecollector;

import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.ResourceCatalog;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one key of the garbage collector (upstream's {@code attemptToDeleteItem} and {@code
 * attemptToOrphanWorker}). Decisions use a fresh read of the object and of each owner, never only
 * the caches, so a lagging informer never makes it delete a live object's dependents.
 */
final class GarbageCollectorReconciler implements Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollectorReconciler.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final ResourceCatalog catalog;
  private final DependencyGraph graph;
  private final EventRecorder events;
  private Consumer<String> queue = k -> {};

  GarbageCollectorReconciler(KubernetesClient client, ResourceCatalog catalog, DependencyGraph graph, EventRecorder events) {
    this.client = client;
    this.catalog = catalog;
    this.graph = graph;
    this.events = events;
  }

  void setQueue(Consumer<String> queue) {
    this.queue = queue;
  }

  @Override
  public Result reconcile(String key) {
    if (key.startsWith(GarbageCollector.ORPHAN)) {
      orphanDependents(key.substring(GarbageCollector.ORPHAN.length()));
    } else {
      attemptToDelete(key.substring(GarbageCollector.DELETE.length()));
    }
    return Result.DONE;
  }

  private void attemptToDelete(String uid) {
    DependencyGraph.Node node = graph.get(uid);
    if (node == null) {
      return;
    }
    if (node.beingDeleted() && !node.deletingDependents()) {
      return; // someone else's deletion in progress
    }
    GenericKubernetesResource latest = fetch(node.apiVersion(), node.kind(), node.namespace(), node.name()).orElse(null);
    if (latest == null || !uid.equals(latest.getMetadata().getUid())) {
      return; // gone; its delete event updates the graph
    }
    DependencyGraph.Node current = DependencyGraph.nodeOf(latest);
    if (current.deletingDependents()) {
      processDeletingDependents(current, latest);
      return;
    }
    List<OwnerReference> owners = current.owners();
    if (owners.isEmpty()) {
      return;
    }
    List<OwnerReference> solid = new ArrayList<>();
    List<OwnerReference> dangling = new ArrayList<>();
    List<OwnerReference> waiting = new ArrayList<>();
    for (OwnerReference ref : owners) {
      Optional<GenericKubernetesResource> owner = lookupOwner(ref, current.namespace());
      if (owner == null) {
        solid.add(ref); // unknown kind: never treat an owner we cannot look up as gone
      } else if (owner.isEmpty() || !Objects.equals(owner.get().getMetadata().getUid(), ref.getUid())) {
        dangling.add(ref);
      } else if (DependencyGraph.nodeOf(owner.get()).deletingDependents()) {
        waiting.add(ref);
      } else {
        solid.add(ref);
      }
    }
    if (!solid.isEmpty()) {
      if (dangling.isEmpty() && waiting.isEmpty()) {
        return;
      }
      // Still owned by someone: only drop the references to owners that are gone or going.
      Set<String> drop = new java.util.HashSet<>();
      dangling.forEach(r -> drop.add(r.getUid()));
      waiting.forEach(r -> drop.add(r.getUid()));
      patchOwnerReferences(latest, owners.stream().filter(r -> !drop.contains(r.getUid())).toList());
      return;
    }
    if (!waiting.isEmpty() && !graph.dependents(uid).isEmpty()) {
      // Owners wait for us, and we have dependents: delete in the foreground too.
      delete(latest, DeletionPropagation.FOREGROUND);
      return;
    }
    DeletionPropagation policy =
        current.finalizers().contains(GarbageCollector.ORPHAN_FINALIZER)
            ? DeletionPropagation.ORPHAN
            : current.finalizers().contains(GarbageCollector.FOREGROUND_FINALIZER)
                ? DeletionPropagation.FOREGROUND
                : DeletionPropagation.BACKGROUND;
    LOG.debug("deleting {} {}/{}: owners gone ({})", current.kind(), current.namespace(), current.name(), policy);
    delete(latest, policy);
  }

  // Foreground: the owner goes once no dependent blocks it; meanwhile its dependents are deleted.
  private void processDeletingDependents(DependencyGraph.Node owner, GenericKubernetesResource latest) {
    List<DependencyGraph.Node> blocking = graph.blockingDependents(owner.uid());
    if (blocking.isEmpty()) {
      removeFinalizer(latest, GarbageCollector.FOREGROUND_FINALIZER);
      return;
    }
    for (DependencyGraph.Node dep : blocking) {
      if (!dep.deletingDependents()) {
        queue.accept(GarbageCollector.DELETE + dep.uid());
      }
    }
  }

  // Orphan: take the owner's reference off every dependent, then drop the orphan finalizer.
  private void orphanDependents(String uid) {
    DependencyGraph.Node node = graph.get(uid);
    if (node == null) {
      return;
    }
    GenericKubernetesResource latest = fetch(node.apiVersion(), node.kind(), node.namespace(), node.name()).orElse(null);
    if (latest == null || !uid.equals(latest.getMetadata().getUid())
        || !DependencyGraph.nodeOf(latest).orphaning()) {
      return;
    }
    for (DependencyGraph.Node dep : graph.dependents(uid)) {
      GenericKubernetesResource d = fetch(dep.apiVersion(), dep.kind(), dep.namespace(), dep.name()).orElse(null);
      if (d == null || !dep.uid().equals(d.getMetadata().getUid())) {
        continue;
      }
      List<OwnerReference> refs = d.getMetadata().getOwnerReferences() == null ? List.of() : d.getMetadata().getOwnerReferences();
      if (refs.stream().anyMatch(r -> uid.equals(r.getUid()))) {
        patchOwnerReferences(d, refs.stream().filter(r -> !uid.equals(r.getUid())).toList());
      }
    }
    removeFinalizer(latest, GarbageCollector.ORPHAN_FINALIZER);
  }

  /**
   * The owner named by {@code ref}: present, empty (gone), or null when its kind is not served.
   */
  private Optional<GenericKubernetesResource> lookupOwner(OwnerReference ref, String dependentNamespace) {
    Optional<ResourceDefinitionContext> type = catalog.lookup(ref.getApiVersion(), ref.getKind());
    if (type.isEmpty()) {
      LOG.debug("owner kind {} {} is not served; keeping the dependent", ref.getApiVersion(), ref.getKind());
      return null;
    }
    String ns = type.get().isNamespaceScoped() ? dependentNamespace : null;
    return fetch(type.get(), ns, ref.getName());
  }

  private Optional<GenericKubernetesResource> fetch(String apiVersion, String kind, String namespace, String name) {
    Optional<ResourceDefinitionContext> type = catalog.lookup(apiVersion, kind);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    return fetch(type.get(), namespace, name);
  }

  private Optional<GenericKubernetesResource> fetch(ResourceDefinitionContext type, String namespace, String name) {
    return Optional.ofNullable(resource(type, namespace, name).get());
  }

  private Resource<GenericKubernetesResource> resource(ResourceDefinitionContext type, String namespace, String name) {
    return type.isNamespaceScoped()
        ? client.genericKubernetesResources(type).inNamespace(namespace).withName(name)
        : client.genericKubernetesResources(type).withName(name);
  }

  private Resource<GenericKubernetesResource> resource(GenericKubernetesResource obj) {
    ResourceDefinitionContext type = catalog.lookup(obj.getApiVersion(), obj.getKind()).orElseThrow();
    return resource(type, obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  private void delete(GenericKubernetesResource obj, DeletionPropagation policy) {
    try {
      resource(obj).withPropagationPolicy(policy).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private void patchOwnerReferences(GenericKubernetesResource obj, List<OwnerReference> refs) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("uid", obj.getMetadata().getUid());
    meta.put("resourceVersion", obj.getMetadata().getResourceVersion());
    meta.put("ownerReferences", refs);
    patch(obj, meta);
  }

  private void removeFinalizer(GenericKubernetesResource obj, String finalizer) {
    List<String> rest = obj.getMetadata().getFinalizers().stream().filter(f -> !finalizer.equals(f)).collect(Collectors.toList());
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("uid", obj.getMetadata().getUid());
    meta.put("resourceVersion", obj.getMetadata().getResourceVersion());
    meta.put("finalizers", rest);
    patch(obj, meta);
  }

  private void patch(GenericKubernetesResource obj, Map<String, Object> meta) {
    try {
      resource(obj).patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(Map.of("metadata", meta)));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
