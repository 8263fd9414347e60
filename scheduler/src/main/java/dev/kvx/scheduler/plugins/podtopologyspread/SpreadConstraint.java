package dev.kvx.scheduler.plugins.podtopologyspread;

import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Selector;
import dev.kvx.scheduler.plugins.helper.RequiredNodeAffinity;
import dev.kvx.scheduler.plugins.helper.Tolerations;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topology spread constraint compiled for one pod: the label selector with matchLabelKeys merged
 * in, minDomains (default 1) and the node inclusion policies (nodeAffinityPolicy default Honor,
 * nodeTaintsPolicy default Ignore).
 */
record SpreadConstraint(
    int maxSkew,
    String topologyKey,
    Selector selector,
    int minDomains,
    boolean honorNodeAffinity,
    boolean honorNodeTaints,
    String labelIndexKey) {

  /** The pod's constraints with {@code whenUnsatisfiable == action}. */
  static List<SpreadConstraint> of(Pod pod, String action) {
    List<TopologySpreadConstraint> all = pod.getSpec().getTopologySpreadConstraints();
    if (all == null || all.isEmpty()) {
      return List.of();
    }
    Map<String, String> labels = pod.getMetadata().getLabels();
    List<SpreadConstraint> out = new ArrayList<>();
    for (TopologySpreadConstraint c : all) {
      if (!action.equals(c.getWhenUnsatisfiable())) {
        continue;
      }
      Selector selector = Selector.of(c.getLabelSelector());
      if (c.getMatchLabelKeys() != null && labels != null) {
        for (String key : c.getMatchLabelKeys()) {
          if (labels.containsKey(key)) {
            selector = selector.and(key, "In", Set.of(labels.get(key)));
          }
        }
      }
      // A one-label selector is counted from the nodes' label index; the key is built once here.
      String[] eq = selector.singleEquality();
      String indexKey =
          eq == null ? null : NodeInfo.labelKey(pod.getMetadata().getNamespace(), eq[0], eq[1]);
      out.add(
          new SpreadConstraint(
              c.getMaxSkew() == null ? 1 : c.getMaxSkew(),
              c.getTopologyKey(),
              selector,
              c.getMinDomains() == null ? 1 : c.getMinDomains(),
              !"Ignore".equals(c.getNodeAffinityPolicy()),
              "Honor".equals(c.getNodeTaintsPolicy()),
              indexKey));
    }
    return List.copyOf(out);
  }

  /** Whether a node counts for this constraint under its inclusion policies. */
  boolean matchNodeInclusionPolicies(Pod pod, Node node, RequiredNodeAffinity required) {
    if (honorNodeAffinity && !required.matches(node)) {
      return false;
    }
    if (honorNodeTaints) {
      var taints = node.getSpec() == null ? null : node.getSpec().getTaints();
      return Tolerations.findMatchingUntoleratedTaint(
              taints,
              pod.getSpec().getTolerations(),
              t -> "NoSchedule".equals(t.getEffect()) || "NoExecute".equals(t.getEffect()))
          == null;
    }
    return true;
  }

  /** Whether the node has every constraint's topology key. */
  static boolean nodeLabelsMatchSpreadConstraints(
      Map<String, String> nodeLabels, List<SpreadConstraint> constraints) {
    for (SpreadConstraint c : constraints) {
      if (!nodeLabels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }
}
