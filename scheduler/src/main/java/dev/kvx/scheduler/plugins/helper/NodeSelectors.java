package dev.kvx.scheduler.plugins.helper;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import java.util.List;
import java.util.Map;

/**
 * Node selector terms against a node (k8s.io/component-helpers' {@code nodeaffinity}): terms are
 * ORed, a term's matchExpressions (on labels) and matchFields (only {@code metadata.name}) are
 * ANDed, and a term with neither matches nothing. Operators: In, NotIn, Exists, DoesNotExist, Gt,
 * Lt (integers).
 */
public final class NodeSelectors {
  private NodeSelectors() {}

  /** Whether any term of {@code selector} matches; a null selector matches every node. */
  public static boolean matches(NodeSelector selector, Node node) {
    if (selector == null) {
      return true;
    }
    return matchesAny(selector.getNodeSelectorTerms(), node);
  }

  public static boolean matchesAny(List<NodeSelectorTerm> terms, Node node) {
    if (terms == null) {
      return false;
    }
    for (NodeSelectorTerm t : terms) {
      if (matches(t, node)) {
        return true;
      }
    }
    return false;
  }

  public static boolean matches(NodeSelectorTerm term, Node node) {
    List<NodeSelectorRequirement> exprs = term.getMatchExpressions();
    List<NodeSelectorRequirement> fields = term.getMatchFields();
    if ((exprs == null || exprs.isEmpty()) && (fields == null || fields.isEmpty())) {
      return false;
    }
    Map<String, String> labels = node.getMetadata().getLabels();
    if (exprs != null) {
      for (NodeSelectorRequirement r : exprs) {
        if (!matches(r, labels == null ? Map.of() : labels)) {
          return false;
        }
      }
    }
    if (fields != null) {
      for (NodeSelectorRequirement r : fields) {
        if (!"metadata.name".equals(r.getKey())) {
          return false;
        }
        if (!"In".equals(r.getOperator()) && !"NotIn".equals(r.getOperator())) {
          return false;
        }
        if (!matches(r, Map.of("metadata.name", node.getMetadata().getName()))) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
    String key = r.getKey();
    List<String> values = r.getValues() == null ? List.of() : r.getValues();
    String v = labels.get(key);
    switch (r.getOperator() == null ? "" : r.getOperator()) {
      case "In":
        return v != null && values.contains(v);
      case "NotIn":
        return v == null || !values.contains(v);
      case "Exists":
        return labels.containsKey(key);
      case "DoesNotExist":
        return !labels.containsKey(key);
      case "Gt":
      case "Lt":
        if (v == null || values.size() != 1) {
          return false;
        }
        try {
          long have = Long.parseLong(v);
          long want = Long.parseLong(values.get(0));
          return "Gt".equals(r.getOperator()) ? have > want : have < want;
        } catch (NumberFormatException e) {
          return false;
        }
      default:
        return false;
    }
  }
}
