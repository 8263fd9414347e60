package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.Statuses;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstream's Priority admission plugin on pod create: {@code spec.priority} (and
 * {@code preemptionPolicy}) come from the pod's PriorityClass, the global default class, or 0.
 * A pod naming an unknown class, or giving a priority that contradicts its class, is refused
 * with 403 Forbidden as upstream.
 */
final class PriorityAdmission {

  private PriorityAdmission() {}

  static final String DEFAULT_PREEMPTION = "PreemptLowerPriority";

  /** The classes every cluster has (scheduling.k8s.io's SystemPriorityClasses). */
  static final Map<String, Integer> SYSTEM = Map.of(
      "system-node-critical", 2000001000,
      "system-cluster-critical", 2000000000);

  static void admit(ObjectNode pod, PriorityClassLookup lookup) {
    ObjectNode spec = Nodes.objectOrNull(pod, "spec");
    if (spec == null) {
      return;
    }
    String className = Nodes.text(spec, "priorityClassName");
    long priority;
    String preemption = null;
    if (className.isEmpty()) {
      ObjectNode def = lookup.globalDefault();
      if (def == null) {
        priority = 0;
      } else {
        spec.put("priorityClassName", Nodes.text(def.path("metadata"), "name"));
        priority = def.path("value").asLong();
        preemption = Nodes.text(def, "preemptionPolicy");
      }
    } else if (SYSTEM.containsKey(className)) {
      priority = SYSTEM.get(className);
    } else {
      ObjectNode pc = lookup.get(className);
      if (pc == null) {
        if (lookup.complete()) {
          throw Statuses.forbidden("", "pods", Nodes.text(pod.path("metadata"), "name"),
              "no PriorityClass with name " + className + " was found");
        }
        return; // out of sight: leave it to whoever resolves classes
      }
      priority = pc.path("value").asLong();
      preemption = Nodes.text(pc, "preemptionPolicy");
    }
    JsonNode given = spec.get("priority");
    if (given != null && given.isIntegralNumber() && given.asLong() != priority) {
      throw Statuses.forbidden("", "pods", Nodes.text(pod.path("metadata"), "name"),
          "the integer value of priority (" + given.asLong() + ") must not be provided in pod spec; priority"
              + " admission controller computed " + priority + " from the given PriorityClass name");
    }
    spec.put("priority", priority);
    String computed = preemption == null || preemption.isEmpty() ? DEFAULT_PREEMPTION : preemption;
    String givenPolicy = Nodes.text(spec, "preemptionPolicy");
    if (preemption != null && !preemption.isEmpty() && !givenPolicy.isEmpty() && !givenPolicy.equals(computed)) {
      throw Statuses.forbidden("", "pods", Nodes.text(pod.path("metadata"), "name"),
          "the string value of PreemptionPolicy (" + givenPolicy + ") must not be provided in pod spec;"
              + " priority admission controller computed " + computed + " from the given PriorityClass name");
    }
    if (givenPolicy.isEmpty() || (preemption != null && !preemption.isEmpty())) {
      spec.put("preemptionPolicy", computed);
    }
  }
}
