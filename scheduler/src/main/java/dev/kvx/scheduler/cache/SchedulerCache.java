package dev.kvx.scheduler.cache;

import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The scheduler's view of nodes and the pods on them (upstream {@code backend/cache}), fed by the
 * informers and by the scheduler's own decisions.
 *
 * <p><b>Assume</b>: once a node is chosen the pod is {@link #assumePod assumed} there at once, so
 * the next cycle already counts it although the asynchronous bind has not returned. When the
 * informer later delivers the bound pod, {@link #addPod} confirms it; a failed bind {@link
 * #forgetPod forgets} it. Assumed pods do not expire (upstream's default since 1.29).
 *
 * <p>Pods are keyed by UID. A pod may arrive before its node (the informers are independent): the
 * node's entry then exists without a Node until the node arrives. Thread-safe (one monitor).
 */
public final class SchedulerCache {
  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final Map<String, PodState> podStates = new HashMap<>();
  private final Set<String> assumedPods = new HashSet<>();
  // Bumped when the node set or a node's zone changes: the snapshot's node list is then rebuilt.
  private long nodeSetVersion;

  // Names of the nodes changed since the last snapshot, so a cycle copies only those.
  private final Set<String> dirtyNodes = new HashSet<>();
  private Snapshot lastSnapshot;

  private record PodState(PodInfo pod, String nodeName, boolean bindingFinished) {}

  /**
   * Puts {@code pod} on {@code nodeName} before binding. The pod object itself is not changed (no
   * copy with spec.nodeName is needed: the cache keeps the node beside it).
   */
  public synchronized void assumePod(PodInfo pod, String nodeName) {
    String uid = pod.uid();
    if (podStates.containsKey(uid)) {
      throw new IllegalStateException(
          "pod " + pod.key() + " (" + uid + ") is in the cache, so can't be assumed");
    }
    addToNode(pod, nodeName);
    podStates.put(uid, new PodState(pod, nodeName, false));
    assumedPods.add(uid);
  }

  /** {@link #assumePod(PodInfo, String)} on the pod's own spec.nodeName. */
  public synchronized void assumePod(PodInfo pod) {
    assumePod(pod, pod.nodeName());
  }

  /** The bind of an assumed pod returned; it stays assumed until the informer confirms it. */
  public synchronized void finishBinding(Pod pod) {
    String uid = pod.getMetadata().getUid();
    PodState s = podStates.get(uid);
    if (s != null && assumedPods.contains(uid)) {
      podStates.put(uid, new PodState(s.pod(), s.nodeName(), true));
    }
  }

  /** Undoes {@link #assumePod} (the bind failed). */
  public synchronized void forgetPod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    PodState s = podStates.get(uid);
    if (s == null || !assumedPods.contains(uid)) {
      return;
    }
    removeFromNode(s.pod(), s.nodeName());
    podStates.remove(uid);
    assumedPods.remove(uid);
  }

  /** An assigned pod the informer delivered: confirms an assumed pod, or adds it. */
  public synchronized void addPod(PodInfo pod) {
    String uid = pod.uid();
    PodState s = podStates.get(uid);
    if (s != null && assumedPods.contains(uid)) {
      // Confirmed. The informer's copy replaces the assumed one (it may even name another node).
      removeFromNode(s.pod(), s.nodeName());
      addToNode(pod, pod.nodeName());
      podStates.put(uid, new PodState(pod, pod.nodeName(), true));
      assumedPods.remove(uid);
    } else if (s == null) {
      addToNode(pod, pod.nodeName());
      podStates.put(uid, new PodState(pod, pod.nodeName(), true));
    }
  }

  /** An assigned pod changed (labels, requests, …). */
  public synchronized void updatePod(PodInfo newPod) {
    String uid = newPod.uid();
    PodState s = podStates.get(uid);
    if (s == null) {
      addPod(newPod);
      return;
    }
    removeFromNode(s.pod(), s.nodeName());
    addToNode(newPod, newPod.nodeName());
    podStates.put(uid, new PodState(newPod, newPod.nodeName(), true));
    assumedPods.remove(uid);
  }

  /** An assigned pod was deleted (or finished). */
  public synchronized void removePod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    PodState s = podStates.remove(uid);
    assumedPods.remove(uid);
    if (s != null) {
      removeFromNode(s.pod(), s.nodeName());
    }
  }

  public synchronized boolean isAssumedPod(Pod pod) {
    return assumedPods.contains(pod.getMetadata().getUid());
  }

  /** Whether the pod (by UID) is in the cache, assumed or confirmed. */
  public synchronized boolean contains(Pod pod) {
    return podStates.containsKey(pod.getMetadata().getUid());
  }

  public synchronized void addNode(Node node) {
    String name = node.getMetadata().getName();
    NodeInfo n = nodes.get(name);
    if (n == null) {
      n = new NodeInfo();
      nodes.put(name, n);
    }
    n.setNode(node);
    dirtyNodes.add(name);
    nodeSetVersion++;
  }

  public synchronized void updateNode(Node oldNode, Node newNode) {
    String name = newNode.getMetadata().getName();
    NodeInfo n = nodes.get(name);
    if (n == null || n.node() == null) {
      addNode(newNode);
      return;
    }
    if (!Objects.equals(zoneOf(n.node()), zoneOf(newNode))) {
      nodeSetVersion++;
    }
    n.setNode(newNode);
    dirtyNodes.add(name);
  }

  public synchronized void removeNode(Node node) {
    String name = node.getMetadata().getName();
    NodeInfo n = nodes.get(name);
    if (n == null) {
      return;
    }
    // Pods still on it keep their entry until they are deleted too (upstream does the same).
    if (n.pods().isEmpty()) {
      nodes.remove(name);
    } else {
      n.setNode(null);
    }
    dirtyNodes.add(name);
    nodeSetVersion++;
  }

  /** Nodes known with their Node object. */
  public synchronized int nodeCount() {
    int count = 0;
    for (NodeInfo n : nodes.values()) {
      if (n.node() != null) {
        count++;
      }
    }
    return count;
  }

  public synchronized int podCount() {
    return podStates.size();
  }

  public synchronized int assumedPodCount() {
    return assumedPods.size();
  }

  /**
   * Brings {@code snapshot} up to date: copies the node infos changed since its generation, drops
   * removed nodes, and rebuilds the node order and derived lists when needed.
   */
  public synchronized void updateSnapshot(Snapshot snapshot) {
    boolean rebuildList = snapshot.nodeSetVersion != nodeSetVersion;
    boolean changed = false;
    boolean imagesChanged = false;
    long maxGeneration = snapshot.generation;
    List<NodeInfo> updated = new ArrayList<>();
    // The changed nodes: those marked dirty, unless this snapshot missed earlier updates.
    Iterable<Map.Entry<String, NodeInfo>> candidates;
    if (snapshot == lastSnapshot) {
      Map<String, NodeInfo> dirty = new HashMap<>();
      for (String name : dirtyNodes) {
        NodeInfo n = nodes.get(name);
        if (n != null) {
          dirty.put(name, n);
        }
      }
      candidates = dirty.entrySet();
    } else {
      candidates = nodes.entrySet();
      rebuildList = true;
    }
    dirtyNodes.clear();
    lastSnapshot = snapshot;
    boolean affinityChanged = rebuildList;
    for (Map.Entry<String, NodeInfo> e : candidates) {
      NodeInfo n = e.getValue();
      if (n.generation() <= snapshot.generation) {
        continue;
      }
      maxGeneration = Math.max(maxGeneration, n.generation());
      if (n.node() == null) {
        continue;
      }
      NodeInfo copy = n.copy();
      NodeInfo previous = snapshot.nodeInfoMap.put(e.getKey(), copy);
      affinityChanged |=
          !copy.podsWithAffinity().isEmpty()
              || (previous != null && !previous.podsWithAffinity().isEmpty());
      if (previous == null) {
        rebuildList = true;
        imagesChanged |= !copy.imageSizes().isEmpty();
      } else if (previous.imageSizes() != copy.imageSizes()
          && !previous.imageSizes().equals(copy.imageSizes())) {
        imagesChanged = true;
      }
      updated.add(copy);
      changed = true;
    }
    snapshot.generation = maxGeneration;
    if (rebuildList) {
      for (Iterator<Map.Entry<String, NodeInfo>> it = snapshot.nodeInfoMap.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<String, NodeInfo> e = it.next();
        NodeInfo n = nodes.get(e.getKey());
        if (n == null || n.node() == null) {
          it.remove();
          imagesChanged |= !e.getValue().imageSizes().isEmpty();
        }
      }
      rebuildNodeList(snapshot);
      snapshot.nodeSetVersion = nodeSetVersion;
      changed = true;
    } else {
      for (NodeInfo copy : updated) {
        snapshot.nodeInfoList.set(snapshot.indexOf.get(copy.name()), copy);
      }
    }
    if (changed && (affinityChanged || rebuildList)) {
      List<NodeInfo> withAffinity = new ArrayList<>();
      List<NodeInfo> withAntiAffinity = new ArrayList<>();
      for (NodeInfo n : snapshot.nodeInfoList) {
        if (!n.podsWithAffinity().isEmpty()) {
          withAffinity.add(n);
        }
        if (!n.podsWithRequiredAntiAffinity().isEmpty()) {
          withAntiAffinity.add(n);
        }
      }
      snapshot.havePodsWithAffinity = List.copyOf(withAffinity);
      snapshot.havePodsWithRequiredAntiAffinity = List.copyOf(withAntiAffinity);
    }
    if (imagesChanged) {
      Map<String, Integer> counts = new HashMap<>();
      for (NodeInfo n : snapshot.nodeInfoList) {
        for (String image : n.imageSizes().keySet()) {
          counts.merge(image, 1, Integer::sum);
        }
      }
      snapshot.imageNumNodes = Map.copyOf(counts);
    }
  }

  /**
   * Orders nodes as upstream's node tree: zones interleaved round-robin, so that the scheduler's
   * partial node search (it stops after enough feasible nodes) still spreads over zones.
   */
  private void rebuildNodeList(Snapshot snapshot) {
    Map<String, List<NodeInfo>> byZone = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
      NodeInfo copy = snapshot.nodeInfoMap.get(e.getKey());
      if (copy != null) {
        byZone.computeIfAbsent(zoneOf(copy.node()), z -> new ArrayList<>()).add(copy);
      }
    }
    List<NodeInfo> list = new ArrayList<>(snapshot.nodeInfoMap.size());
    List<List<NodeInfo>> zones = new ArrayList<>(byZone.values());
    for (int i = 0; list.size() < snapshot.nodeInfoMap.size(); i++) {
      for (List<NodeInfo> zone : zones) {
        if (i < zone.size()) {
          list.add(zone.get(i));
        }
      }
    }
    snapshot.nodeInfoList = list;
    snapshot.indexOf.clear();
    for (int i = 0; i < list.size(); i++) {
      snapshot.indexOf.put(list.get(i).name(), i);
    }
  }

  private void addToNode(PodInfo pod, String nodeName) {
    NodeInfo n = nodes.computeIfAbsent(nodeName, k -> new NodeInfo());
    n.addPod(pod);
    dirtyNodes.add(nodeName);
  }

  private void removeFromNode(PodInfo pod, String nodeName) {
    NodeInfo n = nodes.get(nodeName);
    if (n == null) {
      return;
    }
    n.removePod(pod.pod());
    dirtyNodes.add(nodeName);
    if (n.node() == null && n.pods().isEmpty()) {
      nodes.remove(nodeName);
      nodeSetVersion++;
    }
  }

  /** Upstream's zone key: region and zone labels. */
  static String zoneOf(Node node) {
    Map<String, String> labels = node == null ? null : node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String region = labels.getOrDefault("topology.kubernetes.io/region", "");
    String zone = labels.getOrDefault("topology.kubernetes.io/zone", "");
    return region.isEmpty() && zone.isEmpty() ? "" : region + ":\u0000:" + zone;
  }
}
