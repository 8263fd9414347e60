package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 PersistentVolumeClaim: volumeMode Filesystem and phase Pending; access modes and a
 * storage request required; on update the spec is immutable, except that an unbound claim may be
 * bound (volumeName set once) and a bound claim may grow its storage request or change its
 * volumeAttributesClassName, as upstream.
 */
final class PersistentVolumeClaimStrategy implements ResourceStrategy {

  private static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
  private static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");

  @Override
  public void prepareForCreate(ObjectNode pvc) {
    applyDefaults(pvc);
  }

  @Override
  public void prepareForUpdate(ObjectNode pvc, ObjectNode old) {
    ObjectNode spec = Nodes.objectOrNull(pvc, "spec");
    if (spec != null) {
      Nodes.defaultString(spec, "volumeMode", "Filesystem");
    }
  }

  /** The defaults of a claim, also applied to StatefulSet claim templates. */
  static void applyDefaults(ObjectNode pvc) {
    ObjectNode spec = Nodes.object(pvc, "spec");
    if (spec != null) {
      Nodes.defaultString(spec, "volumeMode", "Filesystem");
    }
    ObjectNode status = Nodes.object(pvc, "status");
    if (status != null) {
      Nodes.defaultString(status, "phase", "Pending");
    }
  }

  @Override
  public List<Cause> validate(ObjectNode pvc) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = pvc.path("spec");
    FieldPath p = FieldPath.root("spec");
    JsonNode modes = spec.get("accessModes");
    if (modes == null || !modes.isArray() || modes.isEmpty()) {
      out.add(FieldErrors.required(p.child("accessModes"), "at least 1 access mode is required"));
    } else {
      for (JsonNode m : modes) {
        if (!ACCESS_MODES.contains(m.asString())) {
          out.add(FieldErrors.notSupported(p.child("accessModes"), m.asString(), ACCESS_MODES));
        }
      }
    }
    JsonNode storage = spec.path("resources").path("requests").get("storage");
    boolean fromSource = spec.has("dataSource") || spec.has("dataSourceRef");
    if (storage == null) {
      if (!fromSource) {
        out.add(FieldErrors.required(p.child("resources").key("storage")));
      }
    } else {
      BigDecimal amount = Quantities.amount(storage);
      FieldPath sp = p.child("resources", "requests").key("storage");
      if (amount == null) {
        out.add(FieldErrors.invalid(sp, storage.asString(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
      } else if (amount.signum() <= 0) {
        out.add(FieldErrors.invalid(sp, storage.asString(), "must be greater than zero"));
      }
    }
    String volumeMode = Nodes.text(spec, "volumeMode");
    if (!volumeMode.isEmpty() && !VOLUME_MODES.contains(volumeMode)) {
      out.add(FieldErrors.notSupported(p.child("volumeMode"), volumeMode, VOLUME_MODES));
    }
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode pvc, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(pvc));
    if (!(pvc.get("spec") instanceof ObjectNode spec) || !(old.get("spec") instanceof ObjectNode oldSpec)) {
      return out;
    }
    ObjectNode now = spec.deepCopy();
    ObjectNode before = oldSpec.deepCopy();
    if (Nodes.text(before, "volumeName").isEmpty()) {
      now.remove("volumeName"); // binding sets it once
      before.remove("volumeName");
    }
    boolean bound = "Bound".equals(Nodes.text(old.path("status"), "phase"));
    if (bound) {
      for (ObjectNode s : List.of(now, before)) {
        s.remove("volumeAttributesClassName");
        ObjectNode requests = Nodes.objectOrNull(Nodes.objectOrNull(s, "resources"), "requests");
        if (requests != null) {
          requests.remove("storage");
        }
      }
      BigDecimal newSize = Quantities.amount(spec.path("resources").path("requests").get("storage"));
      BigDecimal oldSize = Quantities.amount(oldSpec.path("resources").path("requests").get("storage"));
      if (newSize != null && oldSize != null && newSize.compareTo(oldSize) < 0) {
        out.add(FieldErrors.forbidden(FieldPath.root("spec", "resources", "requests", "storage"),
            "field can not be less than previous value"));
      }
    }
    if (!now.equals(before)) {
      out.add(FieldErrors.forbidden(FieldPath.root("spec"),
          "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
    }
    return out;
  }
}
