package dev.kvx.e2e.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.List;

/** What a test reads off a Node, as {@code kubectl get nodes} does. */
public final class Nodes {

  private Nodes() {}

  /** The Ready condition's status: {@code True}, {@code False}, {@code Unknown}, or null. */
  public static String readyStatus(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .map(NodeCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  /** When the Ready condition last changed status, or null. */
  public static Instant readySince(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    return node.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()) && c.getLastTransitionTime() != null)
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .findFirst()
        .orElse(null);
  }

  public static boolean ready(Node node) {
    return "True".equals(readyStatus(node));
  }

  /** The node's taints as {@code key:effect}. */
  public static List<String> taints(Node node) {
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return taints == null
        ? List.of()
        : taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
  }
}
