package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** apps/v1 Deployment: {@code SetDefaults_Deployment} and {@code ValidateDeployment(Update)}. */
final class DeploymentStrategy extends WorkloadStrategy {

  @Override
  void setDefaults(ObjectNode obj) {
    ObjectNode spec = Nodes.object(obj, "spec");
    if (spec == null) {
      return;
    }
    Nodes.defaultInt(spec, "replicas", 1);
    ObjectNode strategy = Nodes.object(spec, "strategy");
    if (strategy != null) {
      Nodes.defaultString(strategy, "type", "RollingUpdate");
      if ("RollingUpdate".equals(Nodes.text(strategy, "type"))) {
        ObjectNode rolling = Nodes.object(strategy, "rollingUpdate");
        if (rolling != null) {
          Nodes.defaultString(rolling, "maxUnavailable", "25%");
          Nodes.defaultString(rolling, "maxSurge", "25%");
        }
      }
    }
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
    Nodes.defaultInt(spec, "progressDeadlineSeconds", 600);
    Workloads.defaultTemplate(spec);
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    FieldPath p = FieldPath.root("spec");
    Workloads.nonNegative(spec, "replicas", p, out);
    out.addAll(Workloads.selectorAndTemplate(spec, p, "deployment", "Deployment"));
    strategy(spec.get("strategy"), p.child("strategy"), out);
    Workloads.nonNegative(spec, "minReadySeconds", p, out);
    Workloads.nonNegative(spec, "revisionHistoryLimit", p, out);
    Long deadline = Nodes.integer(spec, "progressDeadlineSeconds");
    if (deadline != null) {
      Workloads.nonNegative(spec, "progressDeadlineSeconds", p, out);
      Long minReady = Nodes.integer(spec, "minReadySeconds");
      if (deadline <= (minReady == null ? 0 : minReady)) {
        out.add(FieldErrors.invalid(p.child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"));
      }
    }
    return out;
  }

  private static void strategy(JsonNode strategy, FieldPath path, List<Cause> out) {
    String type = Nodes.text(strategy, "type");
    JsonNode rolling = strategy == null ? null : strategy.get("rollingUpdate");
    boolean hasRolling = rolling != null && !rolling.isNull();
    switch (type) {
      case "Recreate" -> {
        if (hasRolling) {
          out.add(FieldErrors.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> {
        if (!hasRolling) {
          out.add(FieldErrors.required(path.child("rollingUpdate"), "this should be defaulted and never be nil"));
        } else {
          FieldPath rp = path.child("rollingUpdate");
          Workloads.intOrPercent(rolling, "maxUnavailable", rp, true, out);
          Workloads.intOrPercent(rolling, "maxSurge", rp, false, out);
          Workloads.notBothZero(rolling, rp, out);
        }
      }
      default -> out.add(FieldErrors.notSupported(path, new GoValues.Raw("apps.DeploymentStrategy{Type:" + GoValues.quote(type) + "}"),
          List.of("Recreate", "RollingUpdate")));
    }
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validateWithImmutableSelector(obj, old);
  }
}
