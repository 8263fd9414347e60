package dev.kvx.scheduler.plugins.helper;

import dev.kvx.scheduler.framework.Selector;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod's hard node constraints (component-helpers' {@code RequiredNodeAffinity}): its {@code
 * spec.nodeSelector} and its required node affinity terms; a node must satisfy both.
 */
public final class RequiredNodeAffinity {
  private final Selector nodeSelector;
  private final NodeSelector required;

  private RequiredNodeAffinity(Selector nodeSelector, NodeSelector required) {
    this.nodeSelector = nodeSelector;
    this.required = required;
  }

  public static RequiredNodeAffinity of(Pod pod) {
    Selector sel =
        Selector.ofLabels(pod.getSpec() == null ? null : pod.getSpec().getNodeSelector());
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    NodeSelector required =
        a == null || a.getNodeAffinity() == null
            ? null
            : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    return new RequiredNodeAffinity(sel, required);
  }

  public boolean matches(Node node) {
    if (!nodeSelector.matches(node.getMetadata().getLabels())) {
      return false;
    }
    return required == null || NodeSelectors.matches(required, node);
  }

  /** Whether the pod has no node constraint at all. */
  public boolean isEmpty() {
    return nodeSelector.isEverything() && required == null;
  }
}
