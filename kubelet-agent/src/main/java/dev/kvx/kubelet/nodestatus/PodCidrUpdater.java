package dev.kvx.kubelet.nodestatus;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each node's {@code spec.podCIDR} (as the controller manager's node IPAM controller set it)
 * to that node's runtime, as the kubelet's {@code updatePodCIDR} passes it on through CRI's
 * UpdateRuntimeConfig: an informer handler on the agent's Node informer, so a node that registered
 * without a CIDR learns its CIDR as soon as it is written. Nodes this agent does not run are
 * ignored. Handlers return at once (a runtime's update is an in-memory swap).
 */
public final class PodCidrUpdater implements ResourceEventHandler<Node> {
  private static final Logger LOG = LoggerFactory.getLogger(PodCidrUpdater.class);

  /** A node's runtime, ready to take its pod CIDR. */
  @FunctionalInterface
  public interface Target {
    /** Takes {@code cidr}; returns whether it changed. Must not block. */
    boolean updatePodCidr(String cidr);
  }

  private final Map<String, Target> nodes;
  private final Consumer<String> changed;

  /**
   * @param nodes node name to its runtime, for the nodes this agent runs
   * @param changed called with a node's name once its runtime took a new CIDR, on the informer's
   *     thread: pods waiting for a sandbox can be synced again at once (must not block)
   */
  public PodCidrUpdater(Map<String, Target> nodes, Consumer<String> changed) {
    this.nodes = Map.copyOf(nodes);
    this.changed = changed;
  }

  @Override
  public void onAdd(Node node) {
    update(node);
  }

  @Override
  public void onUpdate(Node old, Node node) {
    update(node);
  }

  @Override
  public void onDelete(Node node, boolean deletedFinalStateUnknown) {
    // The runtime keeps its range: pods already running keep their IPs, as a kubelet's would.
  }

  private void update(Node node) {
    Target target = nodes.get(node.getMetadata().getName());
    String cidr = podCidr(node);
    if (target == null || cidr == null) {
      return;
    }
    try {
      if (target.updatePodCidr(cidr)) {
        LOG.info("Node {}: updating pod CIDR to {}", node.getMetadata().getName(), cidr);
        changed.accept(node.getMetadata().getName());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "Node {}: cannot use pod CIDR {}: {}",
          node.getMetadata().getName(),
          cidr,
          e.getMessage());
    }
  }

  /** The node's first pod CIDR ({@code spec.podCIDRs[0]}, else {@code spec.podCIDR}), or null. */
  public static String podCidr(Node node) {
    if (node.getSpec() == null) {
      return null;
    }
    List<String> all = node.getSpec().getPodCIDRs();
    if (all != null && !all.isEmpty() && all.get(0) != null && !all.get(0).isBlank()) {
      return all.get(0);
    }
    String one = node.getSpec().getPodCIDR();
    return one == null || one.isBlank() ? null : one;
  }
}
