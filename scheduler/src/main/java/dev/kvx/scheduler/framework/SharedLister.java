package dev.kvx.scheduler.framework;

import java.util.List;

/**
 * The node infos of the current scheduling cycle (upstream {@code SharedLister} over the cache
 * snapshot). Consistent for the whole cycle; read-only.
 */
public interface SharedLister {

  /** Every node, in the order the scheduler walks them (zones interleaved). */
  List<NodeInfo> list();

  /** The node called {@code name}, or null. */
  NodeInfo get(String name);

  /** Nodes with at least one pod that has pod affinity or anti-affinity. */
  List<NodeInfo> havePodsWithAffinity();

  /** Nodes with at least one pod that has required pod anti-affinity. */
  List<NodeInfo> havePodsWithRequiredAntiAffinity();

  /** On how many nodes the image (normalized name) is present. */
  int imageNumNodes(String normalizedImageName);

  default int numNodes() {
    return list().size();
  }
}
