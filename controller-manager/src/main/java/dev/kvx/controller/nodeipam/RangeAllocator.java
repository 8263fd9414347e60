package dev.kvx.controller.nodeipam;

import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each node a block of the cluster CIDR (upstream's {@code RangeAllocator}), per node name:
 *
 * <ul>
 *   <li>before the first node is looked at, every CIDR some node already has in {@code
 *       spec.podCIDRs} (or {@code spec.podCIDR}) is marked taken, so nodes that set their own keep
 *       it and nobody else gets it;
 *   <li>a node with a podCIDR keeps it (the block is marked taken); one without gets the next free
 *       block, written to {@code spec.podCIDR} and {@code spec.podCIDRs} in one patch;
 *   <li>a node that is gone gives its block back, and nodes still waiting are looked at again;
 *   <li>a full cluster CIDR is a {@code CIDRNotAvailable} event on the node (as upstream's
 *       RecordNodeStatusChange words it) and another try later, never a crash.
 * </ul>
 *
 * <p>Blocking (API writes): runs on the controller's workers, never two for one node.
 */
final class RangeAllocator implements Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(RangeAllocator.class);
  static final String CIDR_NOT_AVAILABLE = "CIDRNotAvailable";
  static final String CIDR_ASSIGNMENT_FAILED = "CIDRAssignmentFailed";

  /** How soon a node that found the range full tries again without a release waking it. */
  static final Duration FULL_RETRY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Lister<Node> nodes;
  private final CidrSet cidrs;
  private final EventRecorder events;
  private final Consumer<String> enqueue;
  // Node name -> the blocks this allocator counts as that node's: what it found on the node or
  // patched onto it. Kept here because a deleted node is gone from the lister when its key is
  // reconciled, and because the cache may not show our own patch yet.
  private final Map<String, List<String>> assigned = new ConcurrentHashMap<>();
  private volatile boolean occupiedExisting;

  RangeAllocator(
      KubernetesClient client,
      Lister<Node> nodes,
      CidrSet cidrs,
      EventRecorder events,
      Consumer<String> enqueue) {
    this.client = client;
    this.nodes = nodes;
    this.cidrs = cidrs;
    this.events = events;
    this.enqueue = enqueue;
  }

  @Override
  public Result reconcile(String name) {
    occupyExisting();
    Node node = nodes.get(name);
    if (node == null) {
      release(name);
      return Result.DONE;
    }
    if (node.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE; // upstream leaves a terminating node alone
    }
    List<String> own = podCidrs(node);
    if (!own.isEmpty()) {
      List<String> before = assigned.put(name, own);
      if (before != null && !before.equals(own)) {
        releaseUnlessHeld(name, before);
      }
      occupy(name, own);
      return Result.DONE;
    }
    List<String> ours = assigned.get(name);
    String cidr;
    if (ours != null && !ours.isEmpty()) {
      // Patched before and the cache lags, or the node was re-created under the same name: the
      // block is still this node's.
      cidr = ours.get(0);
    } else {
      try {
        cidr = cidrs.allocateNext();
      } catch (CidrRangeFullException e) {
        LOG.warn("Node {}: {}", name, e.getMessage());
        events.eventf(
            node,
            EventRecorder.NORMAL,
            CIDR_NOT_AVAILABLE,
            "Node %s status is now: %s",
            name,
            CIDR_NOT_AVAILABLE);
        return Result.requeueAfter(FULL_RETRY);
      }
      assigned.put(name, List.of(cidr));
    }
    patch(node, cidr);
    return Result.DONE;
  }

  /** Marks every node's podCIDRs taken, once, before any node is given a new block. */
  private void occupyExisting() {
    if (occupiedExisting) {
      return;
    }
    synchronized (this) {
      if (occupiedExisting) {
        return;
      }
      for (Node n : nodes.list()) {
        List<String> own = podCidrs(n);
        if (!own.isEmpty()) {
          assigned.put(n.getMetadata().getName(), own);
          occupy(n.getMetadata().getName(), own);
        }
      }
      occupiedExisting = true;
    }
  }

  private void occupy(String name, List<String> own) {
    for (String c : own) {
      try {
        if (!cidrs.occupy(c)) {
          LOG.info(
              "Node {} has podCIDR {} outside the cluster CIDR {}: left as it is",
              name,
              c,
              cidrs.clusterCidr());
        }
      } catch (IllegalArgumentException e) {
        LOG.info("Node {} has a podCIDR kvx does not allocate ({}): left as it is", name, c);
      }
    }
  }

  private void patch(Node node, String cidr) {
    String name = node.getMetadata().getName();
    String json =
        client
            .getKubernetesSerialization()
            .asJson(Map.of("spec", Map.of("podCIDR", cidr, "podCIDRs", List.of(cidr))));
    try {
      client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
      LOG.info("Set node {} PodCIDR to [{}]", name, cidr);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        release(name); // deleted meanwhile: its delete event also lands here
        return;
      }
      events.eventf(
          node,
          EventRecorder.NORMAL,
          CIDR_ASSIGNMENT_FAILED,
          "Node %s status is now: %s",
          name,
          CIDR_ASSIGNMENT_FAILED);
      throw e; // retried with backoff; the block stays this node's
    }
  }

  private void release(String name) {
    List<String> gone = assigned.remove(name);
    if (gone == null) {
      return;
    }
    releaseUnlessHeld(name, gone);
    LOG.info("Released podCIDR(s) {} of deleted node {}", gone, name);
    // Nodes that found the range full may fit now.
    for (Node n : nodes.list()) {
      if (podCidrs(n).isEmpty() && !assigned.containsKey(n.getMetadata().getName())) {
        enqueue.accept(n.getMetadata().getName());
      }
    }
  }

  /** Frees {@code blocks} unless another node claims them too (two nodes that set the same one). */
  private void releaseUnlessHeld(String name, List<String> blocks) {
    for (String c : blocks) {
      boolean held =
          assigned.entrySet().stream()
              .anyMatch(e -> !e.getKey().equals(name) && e.getValue().contains(c));
      if (!held) {
        cidrs.release(c);
      }
    }
  }

  /** The node's pod CIDRs: {@code spec.podCIDRs}, else {@code spec.podCIDR}, else none. */
  static List<String> podCidrs(Node node) {
    if (node.getSpec() == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (node.getSpec().getPodCIDRs() != null) {
      node.getSpec().getPodCIDRs().stream().filter(c -> c != null && !c.isBlank()).forEach(out::add);
    }
    if (out.isEmpty() && node.getSpec().getPodCIDR() != null && !node.getSpec().getPodCIDR().isBlank()) {
      out.add(node.getSpec().getPodCIDR());
    }
    return List.copyOf(out);
  }
}
