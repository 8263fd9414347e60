package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** apps/v1 DaemonSet: {@code SetDefaults_DaemonSet}, DaemonSet validation, immutable selector. */
final class DaemonSetStrategy extends WorkloadStrategy {

  @Override
  void setDefaults(ObjectNode obj) {
    ObjectNode spec = Nodes.object(obj, "spec");
    if (spec == null) {
      return;
    }
    ObjectNode strategy = Nodes.object(spec, "updateStrategy");
    if (strategy != null) {
      Nodes.defaultString(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(Nodes.text(strategy, "type"))) {
        ObjectNode rolling = Nodes.object(strategy, "rollingUpdate");
        if (rolling != null) {
          Nodes.defaultInt(rolling, "maxUnavailable", 1);
          Nodes.defaultInt(rolling, "maxSurge", 0);
        }
      }
    }
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
    Workloads.defaultTemplate(spec);
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    FieldPath p = FieldPath.root("spec");
    out.addAll(Workloads.selectorAndTemplate(spec, p, "daemonset", "DaemonSet"));
    Workloads.nonNegative(spec, "minReadySeconds", p, out);
    Workloads.nonNegative(spec, "revisionHistoryLimit", p, out);
    JsonNode strategy = spec.get("updateStrategy");
    FieldPath sp = p.child("updateStrategy");
    String type = Nodes.text(strategy, "type");
    switch (type) {
      case "OnDelete" -> { }
      case "RollingUpdate" -> {
        JsonNode rolling = strategy.get("rollingUpdate");
        if (rolling == null || !rolling.isObject()) {
          out.add(FieldErrors.required(sp.child("rollingUpdate")));
        } else {
          FieldPath rp = sp.child("rollingUpdate");
          Workloads.intOrPercent(rolling, "maxUnavailable", rp, true, out);
          Workloads.intOrPercent(rolling, "maxSurge", rp, true, out);
          // exactly one of the two may be non-zero
          boolean unavailable = Workloads.intOrPercentValue(rolling.get("maxUnavailable")) != 0;
          boolean surge = Workloads.intOrPercentValue(rolling.get("maxSurge")) != 0;
          if (unavailable && surge) {
            out.add(FieldErrors.invalid(rp.child("maxSurge"), Workloads.intOrStringValue(rolling.get("maxSurge")),
                "may not be set when maxUnavailable is non-zero"));
          } else if (!unavailable && !surge) {
            out.add(FieldErrors.required(rp.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
          }
        }
      }
      default -> out.add(FieldErrors.notSupported(sp.child("type"), type, List.of("OnDelete", "RollingUpdate")));
    }
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validateWithImmutableSelector(obj, old);
  }
}
