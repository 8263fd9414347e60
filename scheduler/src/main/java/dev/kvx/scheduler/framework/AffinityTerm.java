package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod (anti-)affinity term compiled for matching (upstream {@code framework.AffinityTerm}): the
 * namespaces it applies to, its label selector with matchLabelKeys / mismatchLabelKeys merged in
 * from the owning pod's labels, and its topology key.
 *
 * <p>Namespaces: the listed ones, or the owning pod's when none are listed and there is no
 * namespaceSelector; an empty namespaceSelector ({@code {}}) selects every namespace. A non-empty
 * namespaceSelector would need namespace labels, which the scheduler does not watch: it then
 * selects no further namespaces.
 */
public record AffinityTerm(
    Set<String> namespaces, boolean allNamespaces, Selector selector, String topologyKey) {

  /** Compiles {@code term} of {@code owner}. */
  public static AffinityTerm of(Pod owner, PodAffinityTerm term) {
    Set<String> namespaces = new HashSet<>();
    if (term.getNamespaces() != null) {
      namespaces.addAll(term.getNamespaces());
    }
    LabelSelector nsSelector = term.getNamespaceSelector();
    boolean all =
        nsSelector != null
            && (nsSelector.getMatchLabels() == null || nsSelector.getMatchLabels().isEmpty())
            && (nsSelector.getMatchExpressions() == null
                || nsSelector.getMatchExpressions().isEmpty());
    if (namespaces.isEmpty() && nsSelector == null) {
      namespaces.add(owner.getMetadata().getNamespace());
    }
    Selector selector = Selector.of(term.getLabelSelector());
    Map<String, String> labels = owner.getMetadata().getLabels();
    if (term.getLabelSelector() != null && labels != null) {
      for (String key : nonNull(term.getMatchLabelKeys())) {
        if (labels.containsKey(key)) {
          selector = selector.and(key, "In", Set.of(labels.get(key)));
        }
      }
      for (String key : nonNull(term.getMismatchLabelKeys())) {
        if (labels.containsKey(key)) {
          selector = selector.and(key, "NotIn", Set.of(labels.get(key)));
        }
      }
    }
    return new AffinityTerm(Set.copyOf(namespaces), all, selector, term.getTopologyKey());
  }

  /** Whether {@code pod} is in the term's namespaces and matches its selector. */
  public boolean matches(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    if (!allNamespaces && !namespaces.contains(ns)) {
      return false;
    }
    return selector.matches(pod.getMetadata().getLabels());
  }

  private static List<String> nonNull(List<String> l) {
    return l == null ? List.of() : l;
  }
}
