package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Namespace: created Active with the {@code kubernetes} finalizer and the
 * {@code kubernetes.io/metadata.name} label; {@code spec.finalizers} only change through the
 * finalize subresource, so an update keeps them.
 */
final class NamespaceStrategy implements ResourceStrategy {

  static final String FINALIZER = "kubernetes";
  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  @Override
  public boolean nameIsDnsLabel() {
    return true;
  }

  @Override
  public void prepareForCreate(ObjectNode ns) {
    labelName(ns);
    ObjectNode spec = Nodes.object(ns, "spec");
    if (spec != null) {
      JsonNode existing = spec.get("finalizers");
      ArrayNode finalizers = existing instanceof ArrayNode a ? a : spec.putArray("finalizers");
      boolean present = false;
      for (JsonNode f : finalizers) {
        present |= FINALIZER.equals(f.asString());
      }
      if (!present) {
        finalizers.add(FINALIZER);
      }
    }
    ns.putObject("status").put("phase", "Active");
  }

  @Override
  public void prepareForUpdate(ObjectNode ns, ObjectNode old) {
    labelName(ns);
    JsonNode oldFinalizers = old.path("spec").get("finalizers");
    ObjectNode spec = Nodes.object(ns, "spec");
    if (spec != null) {
      if (oldFinalizers == null) {
        spec.remove("finalizers");
      } else {
        spec.set("finalizers", oldFinalizers.deepCopy());
      }
    }
  }

  private static void labelName(ObjectNode ns) {
    ObjectNode meta = Nodes.object(ns, "metadata");
    String name = Nodes.text(meta, "name");
    ObjectNode labels = meta == null || name.isEmpty() ? null : Nodes.object(meta, "labels");
    if (labels != null) {
      labels.put(NAME_LABEL, name);
    }
  }

  @Override
  public List<Cause> validate(ObjectNode ns) {
    List<Cause> out = new ArrayList<>();
    JsonNode finalizers = ns.path("spec").get("finalizers");
    if (finalizers != null && finalizers.isArray()) {
      for (int i = 0; i < finalizers.size(); i++) {
        String f = finalizers.get(i).asString();
        if (!f.equals(FINALIZER)) {
          FieldPath p = FieldPath.root("spec", "finalizers").index(i);
          NameRules.qualifiedName(f).forEach(m -> out.add(FieldErrors.invalid(p, f, m)));
        }
      }
    }
    return out;
  }
}
