package dev.kvx.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the garbage collector knows of ownership (upstream's {@code GraphBuilder} graph): every
 * observed object by UID with its owner references, and the reverse edges owner → dependents.
 * Owners need not be observed (yet): edges are keyed by UID. Informer handlers update it;
 * workers read it. Thread-safe; every method is short.
 */
final class DependencyGraph {

  /** An observed object: where to find it and what it says about ownership and deletion. */
  record Node(
      String uid,
      String apiVersion,
      String kind,
      String namespace,
      String name,
      List<OwnerReference> owners,
      boolean beingDeleted,
      List<String> finalizers) {

    boolean deletingDependents() {
      return beingDeleted && finalizers.contains(GarbageCollector.FOREGROUND_FINALIZER);
    }

    boolean orphaning() {
      return beingDeleted && finalizers.contains(GarbageCollector.ORPHAN_FINALIZER);
    }
  }

  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<String, Set<String>> dependents = new HashMap<>();

  static Node nodeOf(HasMetadata obj) {
    var m = obj.getMetadata();
    return new Node(
        m.getUid(),
        obj.getApiVersion(),
        obj.getKind(),
        m.getNamespace(),
        m.getName(),
        m.getOwnerReferences() == null ? List.of() : List.copyOf(m.getOwnerReferences()),
        m.getDeletionTimestamp() != null,
        m.getFinalizers() == null ? List.of() : List.copyOf(m.getFinalizers()));
  }

  /** Records {@code node}; returns the node it replaced, if any. */
  synchronized Node put(Node node) {
    Node old = nodes.put(node.uid(), node);
    if (old != null) {
      for (OwnerReference r : old.owners()) {
        Set<String> deps = dependents.get(r.getUid());
        if (deps != null) {
          deps.remove(node.uid());
          if (deps.isEmpty()) {
            dependents.remove(r.getUid());
          }
        }
      }
    }
    for (OwnerReference r : node.owners()) {
      dependents.computeIfAbsent(r.getUid(), k -> new HashSet<>()).add(node.uid());
    }
    return old;
  }

  /** Forgets the object {@code uid}; returns its last node, if any. */
  synchronized Node remove(String uid) {
    Node old = nodes.remove(uid);
    if (old != null) {
      for (OwnerReference r : old.owners()) {
        Set<String> deps = dependents.get(r.getUid());
        if (deps != null) {
          deps.remove(uid);
          if (deps.isEmpty()) {
            dependents.remove(r.getUid());
          }
        }
      }
    }
    return old;
  }

  synchronized Node get(String uid) {
    return nodes.get(uid);
  }

  /** The observed dependents of {@code ownerUid}. */
  synchronized List<Node> dependents(String ownerUid) {
    Set<String> deps = dependents.get(ownerUid);
    if (deps == null) {
      return List.of();
    }
    List<Node> out = new ArrayList<>();
    for (String d : deps) {
      Node n = nodes.get(d);
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Dependents whose reference to {@code ownerUid} has blockOwnerDeletion: a Foreground deletion
   * of the owner waits for them.
   */
  synchronized List<Node> blockingDependents(String ownerUid) {
    return dependents(ownerUid).stream()
        .filter(n -> n.owners().stream().anyMatch(r -> Objects.equals(r.getUid(), ownerUid) && Boolean.TRUE.equals(r.getBlockOwnerDeletion())))
        .toList();
  }
}
