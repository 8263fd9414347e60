package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstream's {@code ValidatePodUpdate} for the spec: a running pod's spec is immutable except
 * container images, a shrinking activeDeadlineSeconds, added tolerations, removed scheduling
 * gates, and terminationGracePeriodSeconds from negative to 1. The refusal names {@code spec} with
 * upstream's message (without its Go struct diff).
 */
final class PodUpdates {

  private PodUpdates() {}

  static List<Cause> validate(JsonNode spec, JsonNode old) {
    List<Cause> out = new ArrayList<>();
    if (!spec.isObject() || !old.isObject()) {
      return out;
    }
    FieldPath path = FieldPath.root("spec");
    for (String list : List.of("containers", "initContainers")) {
      if (Nodes.size(spec, list) != Nodes.size(old, list)) {
        out.add(FieldErrors.forbidden(path.child(list), "pod updates may not add or remove containers"));
        return out;
      }
    }
    Long deadline = Nodes.integer(spec, "activeDeadlineSeconds");
    Long oldDeadline = Nodes.integer(old, "activeDeadlineSeconds");
    if (deadline != null && oldDeadline != null && deadline > oldDeadline) {
      out.add(FieldErrors.invalid(path.child("activeDeadlineSeconds"), deadline, "must be less than or equal to previous value"));
      return out;
    }
    if (deadline == null && oldDeadline != null) {
      out.add(FieldErrors.invalid(path.child("activeDeadlineSeconds"), null, "must not update from a positive integer to nil value"));
      return out;
    }
    if (!onlyAddedTolerations(spec.get("tolerations"), old.get("tolerations"))) {
      out.add(FieldErrors.forbidden(path.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds"));
    }
    String newGate = addedSchedulingGate(spec.get("schedulingGates"), old.get("schedulingGates"));
    if (newGate != null) {
      out.add(FieldErrors.forbidden(path.child("schedulingGates"),
          "only deletion is allowed, but found new scheduling gate '" + newGate + "'"));
    }
    ObjectNode munged = ((ObjectNode) spec).deepCopy();
    for (String list : List.of("containers", "initContainers")) {
      List<ObjectNode> now = Nodes.objects(munged, list);
      List<ObjectNode> before = Nodes.objects(old, list);
      for (int i = 0; i < Math.min(now.size(), before.size()); i++) {
        copy(before.get(i), now.get(i), "image");
      }
    }
    for (String field : List.of("activeDeadlineSeconds", "schedulingGates", "tolerations")) {
      copy(old, munged, field);
    }
    Long grace = Nodes.integer(munged, "terminationGracePeriodSeconds");
    Long oldGrace = Nodes.integer(old, "terminationGracePeriodSeconds");
    if (oldGrace != null && oldGrace < 0 && grace != null && grace == 1) {
      copy(old, munged, "terminationGracePeriodSeconds");
    }
    if (!munged.equals(old)) {
      out.add(FieldErrors.forbidden(path, "pod updates may not change fields other than " + PodStrategy.UPDATABLE_FIELDS));
    }
    return out;
  }

  private static void copy(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }

  /** Every old toleration is still there, unchanged but for its tolerationSeconds. */
  private static boolean onlyAddedTolerations(JsonNode now, JsonNode before) {
    List<JsonNode> remaining = new ArrayList<>();
    if (now != null && now.isArray()) {
      now.forEach(t -> remaining.add(withoutSeconds(t)));
    }
    if (before == null || !before.isArray()) {
      return true;
    }
    for (JsonNode t : before) {
      if (!remaining.remove(withoutSeconds(t))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode withoutSeconds(JsonNode t) {
    if (!(t instanceof ObjectNode o)) {
      return t;
    }
    ObjectNode c = o.deepCopy();
    c.remove("tolerationSeconds");
    return c;
  }

  private static String addedSchedulingGate(JsonNode now, JsonNode before) {
    Set<String> old = new HashSet<>();
    if (before != null && before.isArray()) {
      before.forEach(g -> old.add(Nodes.text(g, "name")));
    }
    if (now != null && now.isArray()) {
      for (JsonNode g : now) {
        if (!old.contains(Nodes.text(g, "name"))) {
          return Nodes.text(g, "name");
        }
      }
    }
    return null;
  }
}
