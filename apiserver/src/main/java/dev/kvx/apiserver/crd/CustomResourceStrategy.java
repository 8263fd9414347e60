package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.strategy.ResourceStrategy;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects of one CRD, as apiextensions-apiserver's customResourceStrategy: unknown fields are
 * pruned and defaults applied along the schema of the version the request used, the object is
 * validated against that schema (plus the scale subresource's replica paths), and it is stored at
 * the storage version. Conversion is {@code None}: versions differ only in apiVersion. Creates are
 * refused while the CRD is being deleted. Immutable; one instance per CRD generation.
 */
final class CustomResourceStrategy implements ResourceStrategy {

  private static final long MAX_INT32 = Integer.MAX_VALUE;

  private final Definition crd;

  CustomResourceStrategy(Definition crd) {
    this.crd = crd;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    if (crd.terminating()) {
      throw Statuses.methodNotSupported(crd.group(), crd.names().plural(), "create");
    }
    normalize(obj);
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    normalize(obj);
    Definition.Version v = versionOf(obj);
    if (v != null && v.statusSubresource() && !obj.path("status").equals(old.path("status"))) {
      // Only a write to the status subresource changes status (the main resource keeps the old
      // one), and the generic write path skips strategy validation there; upstream's CR status
      // strategy validates the whole object against the schema, so do it here.
      List<Cause> causes = validate(obj);
      if (!causes.isEmpty()) {
        throw Statuses.invalid(crd.group(), crd.names().kind(), Json.text(obj, "metadata", "name"), causes);
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    Definition.Version v = versionOf(obj);
    List<Cause> causes = new ArrayList<>();
    if (v != null && v.schema() != null) {
      causes.addAll(SchemaValidator.validate(v.schema(), obj));
    }
    if (v != null && v.scale() != null) {
      replicas(obj, v.scale().specReplicasPath(), causes);
      replicas(obj, v.scale().statusReplicasPath(), causes);
    }
    // Validated at the request's version; stored at the storage version. Rewriting here, after
    // the request's schema was used, keeps every stored object readable and patchable at the
    // storage version whatever version wrote it (conversion None: nothing else differs).
    Definition.Version storage = crd.storageVersion();
    if (storage != null) {
      obj.put("apiVersion", crd.group() + "/" + storage.name());
    }
    return causes;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validate(obj);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  /** The unknown fields of {@code obj} (a copy is pruned), e.g. for fieldValidation warnings. */
  List<String> unknownFields(ObjectNode obj) {
    Definition.Version v = versionOf(obj);
    return v == null || v.schema() == null ? List.of() : SchemaPruning.prune(v.schema(), obj.deepCopy());
  }

  private void normalize(ObjectNode obj) {
    Definition.Version v = versionOf(obj);
    if (v != null && v.schema() != null) {
      SchemaPruning.prune(v.schema(), obj);
      SchemaPruning.applyDefaults(v.schema(), obj);
    }
  }

  private Definition.Version versionOf(ObjectNode obj) {
    String apiVersion = Json.text(obj, "apiVersion");
    String prefix = crd.group() + "/";
    if (apiVersion == null || !apiVersion.startsWith(prefix)) {
      return crd.storageVersion();
    }
    Definition.Version v = crd.version(apiVersion.substring(prefix.length()));
    return v != null ? v : crd.storageVersion();
  }

  /** A scale replicas path, when set, holds a non-negative int32 (customResourceStrategy.validateScale*). */
  private static void replicas(ObjectNode obj, String path, List<Cause> causes) {
    if (path == null || path.isEmpty()) {
      return;
    }
    JsonNode value = ScalePath.get(obj, path);
    if (value == null || !value.isIntegralNumber()) {
      return; // absent, or a type error the schema reports
    }
    if (value.asLong() < 0) {
      causes.add(FieldErrors.invalid(path, GoFormat.plainV(value), "should be a non-negative integer"));
    } else if (value.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(MAX_INT32)) > 0) {
      causes.add(FieldErrors.invalid(path, GoFormat.plainV(value), "should be less than or equal to " + MAX_INT32));
    }
  }
}
