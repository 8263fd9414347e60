package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A node with the pods the scheduler counts on it (upstream {@code framework.NodeInfo}): requested
 * and non-zero requested resources, allocatable, host ports in use, pods with (anti-)affinity, and
 * the images the node reports.
 *
 * <p>The scheduler cache owns mutable NodeInfos; each cycle works on a {@link Snapshot} of copies,
 * so plugins must treat a NodeInfo as read-only (preemption mutates its own {@link #copy()}). Every
 * change bumps {@link #generation()} from one process-wide counter, which lets the snapshot copy
 * only what changed. Not thread-safe.
 */
public final class NodeInfo {
  private static final AtomicLong GENERATION = new AtomicLong();

  private Node node;
  private final List<PodInfo> pods;
  private final List<PodInfo> podsWithAffinity;
  private final List<PodInfo> podsWithRequiredAntiAffinity;
  private final HostPortInfo usedPorts;
  private final Resource requested;
  private final Resource nonZeroRequested;
  private Resource allocatable;
  private Map<String, Long> imageSizes;
  // Non-terminating pods per namespace/label/value ({@link #labelKey}), so that spreading and
  // affinity can count pods matching a one-label selector without scanning every pod.
  private final Map<String, Integer> labelCounts;
  private long generation;

  public NodeInfo() {
    this.pods = new ArrayList<>();
    this.podsWithAffinity = new ArrayList<>();
    this.podsWithRequiredAntiAffinity = new ArrayList<>();
    this.usedPorts = new HostPortInfo();
    this.requested = new Resource();
    this.nonZeroRequested = new Resource();
    this.allocatable = new Resource();
    this.imageSizes = Map.of();
    this.labelCounts = new HashMap<>();
    this.generation = nextGeneration();
  }

  private NodeInfo(NodeInfo o) {
    this.node = o.node;
    this.pods = new ArrayList<>(o.pods);
    this.podsWithAffinity = new ArrayList<>(o.podsWithAffinity);
    this.podsWithRequiredAntiAffinity = new ArrayList<>(o.podsWithRequiredAntiAffinity);
    this.usedPorts = o.usedPorts.copy();
    this.requested = o.requested.copy();
    this.nonZeroRequested = o.nonZeroRequested.copy();
    this.allocatable = o.allocatable.copy();
    this.imageSizes = o.imageSizes;
    this.labelCounts = new HashMap<>(o.labelCounts);
    this.generation = o.generation;
  }

  /** A NodeInfo of {@code node} with {@code pods} on it (for tests and snapshots). */
  public static NodeInfo of(Node node, PodInfo... pods) {
    NodeInfo n = new NodeInfo();
    n.setNode(node);
    for (PodInfo p : pods) {
      n.addPod(p);
    }
    return n;
  }

  static long nextGeneration() {
    return GENERATION.incrementAndGet();
  }

  /** The node, or null while only its pods are known (node deleted or not seen yet). */
  public Node node() {
    return node;
  }

  public String name() {
    return node == null ? null : node.getMetadata().getName();
  }

  /** The node's labels (never null). */
  public Map<String, String> labels() {
    Map<String, String> l = node == null ? null : node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  public List<PodInfo> pods() {
    return Collections.unmodifiableList(pods);
  }

  public List<PodInfo> podsWithAffinity() {
    return Collections.unmodifiableList(podsWithAffinity);
  }

  public List<PodInfo> podsWithRequiredAntiAffinity() {
    return Collections.unmodifiableList(podsWithRequiredAntiAffinity);
  }

  public HostPortInfo usedPorts() {
    return usedPorts;
  }

  /** Sum of the pods' requests; do not modify. */
  public Resource requested() {
    return requested;
  }

  /** Sum of the pods' non-zero requests (for scoring); do not modify. */
  public Resource nonZeroRequested() {
    return nonZeroRequested;
  }

  /** The node's allocatable resources; do not modify. */
  public Resource allocatable() {
    return allocatable;
  }

  /** Sizes in bytes of the images the node reports, by every name of each image. */
  public Map<String, Long> imageSizes() {
    return imageSizes;
  }

  public long generation() {
    return generation;
  }

  public void setNode(Node node) {
    this.node = node;
    if (node == null) {
      allocatable = new Resource();
      imageSizes = Map.of();
    } else {
      allocatable =
          Resource.of(node.getStatus() == null ? null : node.getStatus().getAllocatable());
      imageSizes = images(node);
    }
    generation = nextGeneration();
  }

  public void addPod(PodInfo pod) {
    pods.add(pod);
    if (pod.hasAffinity()) {
      podsWithAffinity.add(pod);
    }
    if (!pod.requiredAntiAffinityTerms().isEmpty()) {
      podsWithRequiredAntiAffinity.add(pod);
    }
    requested.add(pod.requests());
    nonZeroRequested.add(pod.nonZeroRequests());
    for (HostPortInfo.HostPort hp : HostPortInfo.of(pod.pod())) {
      usedPorts.add(hp);
    }
    countLabels(pod, 1);
    generation = nextGeneration();
  }

  /** Removes the pod with {@code pod}'s UID; returns whether it was there. */
  public boolean removePod(Pod pod) {
    String uid = pod.getMetadata().getUid();
    for (int i = 0; i < pods.size(); i++) {
      PodInfo p = pods.get(i);
      if (Objects.equals(p.uid(), uid)) {
        pods.remove(i);
        podsWithAffinity.removeIf(q -> Objects.equals(q.uid(), uid));
        podsWithRequiredAntiAffinity.removeIf(q -> Objects.equals(q.uid(), uid));
        requested.subtract(p.requests());
        nonZeroRequested.subtract(p.nonZeroRequests());
        for (HostPortInfo.HostPort hp : HostPortInfo.of(p.pod())) {
          usedPorts.remove(hp);
        }
        countLabels(p, -1);
        generation = nextGeneration();
        return true;
      }
    }
    return false;
  }

  /**
   * How many non-terminating pods in {@code namespace} carry the label {@code key=value}; {@code
   * indexKey} is {@link #labelKey}{@code (namespace, key, value)}, built once by the caller.
   */
  public int countPodsWithLabel(String indexKey) {
    Integer n = labelCounts.get(indexKey);
    return n == null ? 0 : n;
  }

  /** The key of {@link #countPodsWithLabel}. */
  public static String labelKey(String namespace, String key, String value) {
    return namespace + '\u0000' + key + '\u0000' + value;
  }

  private void countLabels(PodInfo pod, int delta) {
    Map<String, String> labels = pod.pod().getMetadata().getLabels();
    if (labels == null || pod.terminating()) {
      return;
    }
    String ns = pod.namespace();
    for (Map.Entry<String, String> l : labels.entrySet()) {
      labelCounts.merge(
          labelKey(ns, l.getKey(), l.getValue()), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  /** An independent copy (pods lists and sums copied; pods and node shared, read-only). */
  public NodeInfo copy() {
    return new NodeInfo(this);
  }

  private static Map<String, Long> images(Node node) {
    if (node.getStatus() == null || node.getStatus().getImages() == null) {
      return Map.of();
    }
    Map<String, Long> out = new HashMap<>();
    for (ContainerImage image : node.getStatus().getImages()) {
      long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
      if (image.getNames() != null) {
        for (String name : image.getNames()) {
          out.put(normalizedImageName(name), size);
        }
      }
    }
    return Map.copyOf(out);
  }

  /** An image name with {@code :latest} added when it has neither tag nor digest, as upstream. */
  public static String normalizedImageName(String name) {
    int slash = name.lastIndexOf('/');
    if (name.indexOf(':', slash + 1) < 0 && !name.contains("@")) {
      return name + ":latest";
    }
    return name;
  }

  @Override
  public String toString() {
    return "NodeInfo{" + name() + ", pods=" + pods.size() + ", requested=" + requested + "}";
  }
}
