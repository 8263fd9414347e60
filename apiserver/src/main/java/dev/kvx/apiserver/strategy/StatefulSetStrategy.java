package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * apps/v1 StatefulSet: {@code SetDefaults_StatefulSet} (with the claim templates' PVC defaults),
 * StatefulSet validation (like upstream, the template's pod spec is not validated: its mounts may
 * name volumeClaimTemplates), and upstream's rule that only replicas, ordinals, template,
 * updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds
 * may change.
 */
final class StatefulSetStrategy extends WorkloadStrategy {

  private static final List<String> UPDATABLE = List.of("replicas", "ordinals", "template", "updateStrategy",
      "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds");
  private static final List<String> RETENTION = List.of("Retain", "Delete");

  @Override
  void setDefaults(ObjectNode obj) {
    ObjectNode spec = Nodes.object(obj, "spec");
    if (spec == null) {
      return;
    }
    Nodes.defaultString(spec, "podManagementPolicy", "OrderedReady");
    ObjectNode strategy = Nodes.object(spec, "updateStrategy");
    if (strategy != null) {
      if (Nodes.unset(strategy, "type")) {
        strategy.put("type", "RollingUpdate");
        Nodes.object(strategy, "rollingUpdate");
      }
      ObjectNode rolling = Nodes.objectOrNull(strategy, "rollingUpdate");
      if ("RollingUpdate".equals(Nodes.text(strategy, "type")) && rolling != null) {
        Nodes.defaultInt(rolling, "partition", 0);
      }
    }
    ObjectNode retention = Nodes.object(spec, "persistentVolumeClaimRetentionPolicy");
    if (retention != null) {
      Nodes.defaultString(retention, "whenDeleted", "Retain");
      Nodes.defaultString(retention, "whenScaled", "Retain");
    }
    Nodes.defaultInt(spec, "replicas", 1);
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
    Workloads.defaultTemplate(spec);
    for (ObjectNode claim : Nodes.objects(spec, "volumeClaimTemplates")) {
      PersistentVolumeClaimStrategy.applyDefaults(claim);
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = obj.path("spec");
    FieldPath p = FieldPath.root("spec");
    String policy = Nodes.text(spec, "podManagementPolicy");
    if (policy.isEmpty()) {
      out.add(FieldErrors.required(p.child("podManagementPolicy")));
    } else if (!policy.equals("OrderedReady") && !policy.equals("Parallel")) {
      out.add(FieldErrors.invalid(p.child("podManagementPolicy"), policy,
          "must be 'OrderedReady' or 'Parallel'"));
    }
    JsonNode strategy = spec.get("updateStrategy");
    String type = Nodes.text(strategy, "type");
    JsonNode rolling = strategy == null ? null : strategy.get("rollingUpdate");
    switch (type) {
      case "" -> out.add(FieldErrors.required(p.child("updateStrategy")));
      case "OnDelete" -> {
        if (rolling != null && !rolling.isNull()) {
          out.add(FieldErrors.invalid(p.child("updateStrategy", "rollingUpdate"), new GoValues.Raw("apps.RollingUpdateStatefulSetStrategy{…}"),
              "only allowed for updateStrategy 'RollingUpdate'"));
        }
      }
      case "RollingUpdate" -> {
        if (rolling != null) {
          Workloads.nonNegative(rolling, "partition", p.child("updateStrategy", "rollingUpdate"), out);
        }
      }
      default -> out.add(FieldErrors.invalid(p.child("updateStrategy"), type,
          "must be 'RollingUpdate' or 'OnDelete'"));
    }
    JsonNode retention = spec.get("persistentVolumeClaimRetentionPolicy");
    for (String when : List.of("whenDeleted", "whenScaled")) {
      String v = Nodes.text(retention, when);
      if (retention != null && !v.isEmpty() && !RETENTION.contains(v)) {
        out.add(FieldErrors.notSupported(p.child("persistentVolumeClaimRetentionPolicy", when), v, RETENTION));
      }
    }
    Workloads.nonNegative(spec, "replicas", p, out);
    Workloads.nonNegative(spec, "minReadySeconds", p, out);
    out.addAll(Workloads.selectorAndTemplate(spec, p, "statefulset", "StatefulSet", false));
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(obj));
    ObjectNode spec = obj.path("spec").isObject() ? ((ObjectNode) obj.get("spec")).deepCopy() : null;
    JsonNode oldSpec = old.path("spec");
    if (spec != null && oldSpec.isObject()) {
      for (String f : UPDATABLE) {
        JsonNode v = oldSpec.get(f);
        if (v == null) {
          spec.remove(f);
        } else {
          spec.set(f, v.deepCopy());
        }
      }
      if (!spec.equals(oldSpec)) {
        out.add(FieldErrors.forbidden(FieldPath.root("spec"), "updates to statefulset spec for fields other than"
            + " 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit',"
            + " 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
      }
    }
    return out;
  }
}
