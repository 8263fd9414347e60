package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** apps/v1 ReplicaSet: replicas 1, template defaults, ReplicaSet validation, immutable selector. */
final class ReplicaSetStrategy extends WorkloadStrategy {

  @Override
  void setDefaults(ObjectNode obj) {
    ObjectNode spec = Nodes.object(obj, "spec");
    if (spec != null) {
      Nodes.defaultInt(spec, "replicas", 1);
      Workloads.defaultTemplate(spec);
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    FieldPath p = FieldPath.root("spec");
    Workloads.nonNegative(spec, "replicas", p, out);
    Workloads.nonNegative(spec, "minReadySeconds", p, out);
    // upstream says "deployment" here too (a copy of the Deployment rule)
    out.addAll(Workloads.selectorAndTemplate(spec, p, "deployment", "ReplicaSet"));
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validateWithImmutableSelector(obj, old);
  }
}
