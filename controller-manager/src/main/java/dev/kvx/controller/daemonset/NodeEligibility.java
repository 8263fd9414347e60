package dev.kvx.controller.daemonset;

import dev.kvx.controller.common.Tolerations;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a node should run a daemon pod (upstream's {@code NodeShouldRunDaemonPod}): the pod's
 * nodeSelector and required node affinity match the node, and its tolerations — with the ones
 * the DaemonSet controller adds to every daemon pod — tolerate the node's NoSchedule and NoExecute
 * taints. A pod already there may continue running when only NoSchedule taints are untolerated:
 * an unreachable node gets {@code unreachable:NoSchedule} too, and its daemon pods must stay
 * (they tolerate {@code unreachable:NoExecute}). Pure.
 */
final class NodeEligibility {
  private NodeEligibility() {}

  /** The tolerations upstream's {@code AddOrUpdateDaemonPodTolerations} adds. */
  static List<Toleration> withDaemonTolerations(List<Toleration> tolerations, boolean hostNetwork) {
    List<Toleration> out = new ArrayList<>(tolerations == null ? List.of() : tolerations);
    add(out, "node.kubernetes.io/not-ready", "NoExecute");
    add(out, "node.kubernetes.io/unreachable", "NoExecute");
    add(out, "node.kubernetes.io/disk-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/memory-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/pid-pressure", "NoSchedule");
    add(out, "node.kubernetes.io/unschedulable", "NoSchedule");
    if (hostNetwork) {
      add(out, "node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    return out;
  }

  private static void add(List<Toleration> out, String key, String effect) {
    if (out.stream().noneMatch(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()))) {
      out.add(new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build());
    }
  }

  /** Whether a new daemon pod should be created on {@code node}. */
  static boolean shouldRun(Node node, PodSpec spec) {
    return fits(node, spec, Set.of("NoSchedule", "NoExecute"));
  }

  /** Whether a daemon pod already on {@code node} should keep running there. */
  static boolean shouldContinueRunning(Node node, PodSpec spec) {
    return fits(node, spec, Set.of("NoExecute"));
  }

  private static boolean fits(Node node, PodSpec spec, Set<String> taintEffects) {
    Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    if (spec.getNodeSelector() != null) {
      for (var e : spec.getNodeSelector().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    var affinity = spec.getAffinity() == null ? null : spec.getAffinity().getNodeAffinity();
    var required = affinity == null ? null : affinity.getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required != null && required.getNodeSelectorTerms() != null && !required.getNodeSelectorTerms().isEmpty()) {
      boolean any = false;
      for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
        if (matches(term, node, labels)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    List<Toleration> tolerations = withDaemonTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork()));
    List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    for (Taint t : taints) {
      if (!taintEffects.contains(t.getEffect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(tol -> Tolerations.tolerates(tol, t))) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(NodeSelectorTerm term, Node node, Map<String, String> labels) {
    boolean empty = (term.getMatchExpressions() == null || term.getMatchExpressions().isEmpty())
        && (term.getMatchFields() == null || term.getMatchFields().isEmpty());
    if (empty) {
      return false; // an empty term matches nothing
    }
    for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of() : term.getMatchExpressions()) {
      if (!matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : term.getMatchFields() == null ? List.<NodeSelectorRequirement>of() : term.getMatchFields()) {
      if (!"metadata.name".equals(r.getKey()) || !matches(r, node.getMetadata().getName(), true)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    return switch (r.getOperator()) {
      case "In" -> present && values.contains(value);
      case "NotIn" -> !present || !values.contains(value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      case "Gt", "Lt" -> {
        try {
          long v = Long.parseLong(value);
          long bound = Long.parseLong(values.get(0));
          yield "Gt".equals(r.getOperator()) ? v > bound : v < bound;
        } catch (RuntimeException e) {
          yield false;
        }
      }
      default -> false;
    };
  }
}
