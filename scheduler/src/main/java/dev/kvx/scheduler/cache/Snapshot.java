package dev.kvx.scheduler.cache;

import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.SharedLister;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node infos one scheduling cycle works on (upstream {@code cache.Snapshot}): copies taken from
 * the {@link SchedulerCache} by {@link SchedulerCache#updateSnapshot}, which copies only the nodes
 * changed since the last cycle. Owned and read by the scheduling thread only.
 */
public final class Snapshot implements SharedLister {
  final Map<String, NodeInfo> nodeInfoMap = new HashMap<>();
  final Map<String, Integer> indexOf = new HashMap<>();
  List<NodeInfo> nodeInfoList = new ArrayList<>();
  List<NodeInfo> havePodsWithAffinity = List.of();
  List<NodeInfo> havePodsWithRequiredAntiAffinity = List.of();
  Map<String, Integer> imageNumNodes = Map.of();
  long generation;
  long nodeSetVersion = -1;

  /** A snapshot of {@code nodes} with {@code pods} placed by their spec.nodeName (for tests). */
  public static Snapshot of(List<Node> nodes, List<PodInfo> pods) {
    SchedulerCache cache = new SchedulerCache();
    for (Node n : nodes) {
      cache.addNode(n);
    }
    for (PodInfo p : pods) {
      cache.addPod(p);
    }
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    return s;
  }

  @Override
  public List<NodeInfo> list() {
    return Collections.unmodifiableList(nodeInfoList);
  }

  @Override
  public NodeInfo get(String name) {
    return nodeInfoMap.get(name);
  }

  @Override
  public List<NodeInfo> havePodsWithAffinity() {
    return havePodsWithAffinity;
  }

  @Override
  public List<NodeInfo> havePodsWithRequiredAntiAffinity() {
    return havePodsWithRequiredAntiAffinity;
  }

  @Override
  public int imageNumNodes(String normalizedImageName) {
    return imageNumNodes.getOrDefault(normalizedImageName, 0);
  }

  @Override
  public int numNodes() {
    return nodeInfoList.size();
  }
}
