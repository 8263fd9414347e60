package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.strategy.ResourceStrategy;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions: v1 defaulting (singular, listKind,
 * conversion None, webhook port 443), status.storedVersions kept up to date, the cleanup
 * finalizer, and the validation of {@link DefinitionValidation}. Invalid CRDs are refused with 422
 * before they are stored.
 *
 * <p>The cleanup finalizer is added when the CRD is created (and put back by an update while the
 * CRD is not being deleted) because kvx's generic delete has no per-kind hook; upstream adds it in
 * the CRD's delete. Either way the CRD only goes once {@link DefinitionController} has deleted
 * its objects.
 */
final class CustomResourceDefinitionStrategy implements ResourceStrategy {

  static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  @Override
  public void prepareForCreate(ObjectNode obj) {
    applyDefaults(obj);
    ensureFinalizer(obj);
    ObjectNode status = obj.putObject("status");
    status.putObject("acceptedNames").put("plural", "").put("kind", "");
    ArrayNode stored = status.putArray("storedVersions");
    String storage = storageVersion(obj);
    if (storage != null) {
      stored.add(storage);
    }
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    applyDefaults(obj);
    if (!old.path("metadata").hasNonNull("deletionTimestamp")) {
      ensureFinalizer(obj);
    }
    String storage = storageVersion(obj);
    if (storage != null) {
      ObjectNode status = Json.with(obj, "status");
      JsonNode stored = status.get("storedVersions");
      ArrayNode list = stored instanceof ArrayNode a ? a : status.putArray("storedVersions");
      if (Definition.strings(list).stream().noneMatch(storage::equals)) {
        list.add(storage);
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    return DefinitionValidation.validate(obj);
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    // Status writes and finalizer removal leave the spec alone: what was accepted stays accepted.
    if (obj.path("spec").equals(old.path("spec")) && obj.path("metadata").path("annotations")
        .equals(old.path("metadata").path("annotations"))) {
      return List.of();
    }
    return DefinitionValidation.validateUpdate(obj, old);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  /** v1 defaulting (SetDefaults_CustomResourceDefinitionSpec). */
  static void applyDefaults(ObjectNode crd) {
    JsonNode specNode = crd.get("spec");
    if (!(specNode instanceof ObjectNode spec)) {
      return;
    }
    if (spec.get("names") instanceof ObjectNode names) {
      String kind = Definition.text(names, "kind");
      if (!kind.isEmpty() && Definition.text(names, "singular").isEmpty()) {
        names.put("singular", kind.toLowerCase());
      }
      if (!kind.isEmpty() && Definition.text(names, "listKind").isEmpty()) {
        names.put("listKind", kind + "List");
      }
    }
    JsonNode conversion = spec.get("conversion");
    if (conversion == null || conversion.isNull()) {
      spec.putObject("conversion").put("strategy", "None");
    } else if (conversion instanceof ObjectNode c) {
      if (c.path("webhook").path("clientConfig").path("service") instanceof ObjectNode service
          && !service.has("port")) {
        service.put("port", 443);
      }
    }
  }

  private static void ensureFinalizer(ObjectNode crd) {
    ObjectNode meta = Json.with(crd, "metadata");
    JsonNode f = meta.get("finalizers");
    ArrayNode list = f instanceof ArrayNode a ? a : meta.putArray("finalizers");
    if (Definition.strings(list).stream().noneMatch(CLEANUP_FINALIZER::equals)) {
      list.add(CLEANUP_FINALIZER);
    }
  }

  private static String storageVersion(JsonNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        return Definition.text(v, "name");
      }
    }
    return null;
  }
}
