package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.has;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.str;

import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** PodDisruptionBudgets and HorizontalPodAutoscalers (autoscaling/v1 and v2 objects alike). */
final class PolicyPrinters {

  private PolicyPrinters() {}

  static final RowPrinter POD_DISRUPTION_BUDGET = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Min Available", "The minimum number of pods that must be available."),
          TableColumn.string("Max Unavailable", "The maximum number of pods that may be"
              + " unavailable."),
          TableColumn.integer("Allowed Disruptions", "Calculated number of pods that may be"
              + " disrupted at this time."),
          TableColumn.ageColumn()),
      (pdb, now) -> Arrays.asList(Obj.name(pdb),
          has(pdb, "spec", "minAvailable") ? Obj.intOrString(at(pdb, "spec", "minAvailable")) : "N/A",
          has(pdb, "spec", "maxUnavailable") ? Obj.intOrString(at(pdb, "spec", "maxUnavailable")) : "N/A",
          num(pdb, "status", "disruptionsAllowed"), Obj.age(pdb, now)));

  static final RowPrinter HORIZONTAL_POD_AUTOSCALER = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Reference", "scaleTargetRef points to the target resource to scale."),
          TableColumn.string("Targets", "metrics contains the specifications for which to use to"
              + " calculate the desired replica count."),
          TableColumn.string("MinPods", "minReplicas is the lower limit for the number of replicas"
              + " to which the autoscaler can scale down."),
          TableColumn.string("MaxPods", "maxReplicas is the upper limit for the number of replicas"
              + " to which the autoscaler can scale up."),
          TableColumn.string("Replicas", "currentReplicas is current number of replicas of pods"
              + " managed by this autoscaler."),
          TableColumn.ageColumn()),
      (hpa, now) -> Arrays.asList(Obj.name(hpa),
          str(hpa, "spec", "scaleTargetRef", "kind") + "/" + str(hpa, "spec", "scaleTargetRef", "name"),
          targets(hpa),
          // minReplicas defaults to 1 upstream.
          Long.toString(Obj.numOr(1, hpa, "spec", "minReplicas")),
          num(hpa, "spec", "maxReplicas"), num(hpa, "status", "currentReplicas"),
          Obj.age(hpa, now)));

  /** {@code formatHPAMetrics} over the v2 metrics, the v1 CPU target turned into one. */
  private static String targets(JsonNode hpa) {
    ArrayNode specs;
    ArrayNode statuses;
    if (at(hpa, "spec", "metrics").isArray()) {
      specs = (ArrayNode) at(hpa, "spec", "metrics");
      statuses = at(hpa, "status", "currentMetrics").isArray()
          ? (ArrayNode) at(hpa, "status", "currentMetrics") : Json.array();
    } else {
      // autoscaling/v1, or v2 without metrics: upstream defaults both to 80% average CPU.
      specs = Json.array().add(cpuMetric("target", "averageUtilization",
          Obj.numOr(80, hpa, "spec", "targetCPUUtilizationPercentage")));
      statuses = has(hpa, "status", "currentCPUUtilizationPercentage")
          ? Json.array().add(cpuMetric("current", "averageUtilization",
              num(hpa, "status", "currentCPUUtilizationPercentage")))
          : Json.array();
    }
    if (specs.isEmpty()) {
      return "<none>";
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      shown.add(metric(specs.get(i), i < statuses.size() ? statuses.get(i) : null));
    }
    int max = 2;
    if (shown.size() > max) {
      return String.join(", ", shown.subList(0, max)) + " + " + (shown.size() - max) + " more...";
    }
    return String.join(", ", shown);
  }

  private static ObjectNode cpuMetric(String side, String field, long value) {
    ObjectNode m = Json.object();
    m.put("type", "Resource");
    ObjectNode resource = m.putObject("resource");
    resource.put("name", "cpu");
    resource.putObject(side).put(field, value);
    return m;
  }

  private static String metric(JsonNode spec, JsonNode status) {
    switch (str(spec, "type")) {
      case "External":
      case "Object": {
        String source = str(spec, "type").equals("External") ? "external" : "object";
        JsonNode target = at(spec, source, "target");
        JsonNode current = status == null ? null : at(status, source, "current");
        boolean hasStatus = status != null && at(status, source).isObject();
        if (has(target, "averageValue")) {
          String cur = hasStatus && has(current, "averageValue") ? str(current, "averageValue") : "<unknown>";
          return cur + "/" + str(target, "averageValue") + " (avg)";
        }
        String cur = hasStatus ? Obj.strOr("0", current, "value") : "<unknown>";
        return cur + "/" + Obj.strOr("0", target, "value");
      }
      case "Pods": {
        boolean hasStatus = status != null && at(status, "pods").isObject();
        String cur = hasStatus ? Obj.strOr("0", status, "pods", "current", "averageValue") : "<unknown>";
        return cur + "/" + Obj.strOr("0", spec, "pods", "target", "averageValue");
      }
      case "Resource":
      case "ContainerResource": {
        String source = str(spec, "type").equals("Resource") ? "resource" : "containerResource";
        JsonNode target = at(spec, source, "target");
        String name = str(spec, source, "name");
        boolean hasStatus = status != null && at(status, source).isObject();
        JsonNode current = status == null ? null : at(status, source, "current");
        if (has(target, "averageValue")) {
          String cur = hasStatus ? Obj.strOr("0", current, "averageValue") : "<unknown>";
          return name + ": " + cur + "/" + str(target, "averageValue");
        }
        String cur = hasStatus && has(current, "averageUtilization")
            ? num(current, "averageUtilization") + "%" : "<unknown>";
        String tgt = has(target, "averageUtilization") ? num(target, "averageUtilization") + "%" : "<auto>";
        return name + ": " + cur + "/" + tgt;
      }
      default:
        return "<unknown type>";
    }
  }
}
