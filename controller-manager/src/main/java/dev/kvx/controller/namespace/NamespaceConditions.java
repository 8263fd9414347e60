package dev.kvx.controller.namespace;

import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The conditions a terminating namespace reports about its content, as upstream's {@code
 * namespaceConditionUpdater}: each sync sets all five, True with a message when something is
 * wrong or left, False otherwise. Pure.
 */
final class NamespaceConditions {
  static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
  static final String GROUP_VERSION_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
  static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
  static final String CONTENT_REMAINING = "NamespaceContentRemaining";
  static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

  private NamespaceConditions() {}

  /** What one pass over the namespace's content found. */
  record Outcome(
      String discoveryError,
      List<String> deleteErrors,
      Map<String, Integer> remainingByResource,
      Map<String, Integer> remainingByFinalizer) {}

  static List<NamespaceCondition> build(Outcome o, List<NamespaceCondition> old, Instant now) {
    List<NamespaceCondition> out = new ArrayList<>();
    out.add(cond(DISCOVERY_FAILURE, o.discoveryError() != null, "DiscoveryFailed", "ResourcesDiscovered",
        o.discoveryError() == null ? "All resources successfully discovered" : "Discovery failed for some groups, " + o.discoveryError(), old, now));
    out.add(cond(GROUP_VERSION_PARSING_FAILURE, false, "GroupVersionParsingFailed", "ParsedGroupVersions",
        "All legacy kube types successfully parsed", old, now));
    out.add(cond(CONTENT_FAILURE, !o.deleteErrors().isEmpty(), "ContentDeletionFailed", "ContentDeleted",
        o.deleteErrors().isEmpty() ? "All content successfully deleted, may be waiting on finalization"
            : "Failed to delete all resource types, " + o.deleteErrors().size() + " remaining: " + String.join(", ", o.deleteErrors()), old, now));
    out.add(cond(CONTENT_REMAINING, !o.remainingByResource().isEmpty(), "SomeResourcesRemain", "ContentRemoved",
        o.remainingByResource().isEmpty() ? "All content successfully removed"
            : "Some resources are remaining: " + describe(o.remainingByResource()), old, now));
    out.add(cond(FINALIZERS_REMAINING, !o.remainingByFinalizer().isEmpty(), "SomeFinalizersRemain", "ContentHasNoFinalizers",
        o.remainingByFinalizer().isEmpty() ? "All content-preserving finalizers finished"
            : "Some content in the namespace has finalizers remaining: " + describe(o.remainingByFinalizer()), old, now));
    return out;
  }

  // "pods. has 2 resource instances, configmaps. has 1 resource instances" as upstream words it.
  private static String describe(Map<String, Integer> counts) {
    return new TreeMap<>(counts).entrySet().stream()
        .map(e -> e.getKey() + " has " + e.getValue() + " resource instances")
        .collect(Collectors.joining(", "));
  }

  private static NamespaceCondition cond(String type, boolean isTrue, String trueReason, String falseReason,
      String message, List<NamespaceCondition> old, Instant now) {
    String status = isTrue ? "True" : "False";
    String transition = Times.format(now);
    if (old != null) {
      for (NamespaceCondition c : old) {
        if (type.equals(c.getType()) && Objects.equals(status, c.getStatus())) {
          transition = c.getLastTransitionTime();
        }
      }
    }
    return new NamespaceConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(isTrue ? trueReason : falseReason)
        .withMessage(message)
        .withLastTransitionTime(transition)
        .build();
  }
}
