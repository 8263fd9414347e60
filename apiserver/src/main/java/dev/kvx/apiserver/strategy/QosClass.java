package dev.kvx.apiserver.strategy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A pod's quality-of-service class as upstream's {@code qos.GetPodQOS} computes it from the cpu
 * and memory requests and limits of all its containers (init containers included): BestEffort
 * without any, Guaranteed when every container limits both and requests equal limits, else
 * Burstable.
 */
final class QosClass {

  private QosClass() {}

  private static final Set<String> COMPUTE = Set.of("cpu", "memory");

  static String of(JsonNode spec) {
    Map<String, BigDecimal> requests = new HashMap<>();
    Map<String, BigDecimal> limits = new HashMap<>();
    boolean guaranteed = true;
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : Nodes.objects(spec, list)) {
        JsonNode resources = c.path("resources");
        add(resources.get("requests"), requests, null);
        Set<String> limited = new HashSet<>();
        add(resources.get("limits"), limits, limited);
        if (!limited.containsAll(COMPUTE)) {
          guaranteed = false;
        }
      }
    }
    if (requests.isEmpty() && limits.isEmpty()) {
      return "BestEffort";
    }
    if (guaranteed) {
      for (Map.Entry<String, BigDecimal> e : requests.entrySet()) {
        BigDecimal limit = limits.get(e.getKey());
        if (limit == null || limit.compareTo(e.getValue()) != 0) {
          guaranteed = false;
          break;
        }
      }
    }
    return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
  }

  /** Sums the positive cpu/memory amounts of one resource list into {@code totals}. */
  private static void add(JsonNode list, Map<String, BigDecimal> totals, Set<String> seen) {
    if (list == null || !list.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : list.properties()) {
      if (!COMPUTE.contains(e.getKey())) {
        continue;
      }
      BigDecimal amount = Quantities.amount(e.getValue());
      if (amount != null && amount.signum() > 0) {
        totals.merge(e.getKey(), amount, BigDecimal::add);
        if (seen != null) {
          seen.add(e.getKey());
        }
      }
    }
  }
}
