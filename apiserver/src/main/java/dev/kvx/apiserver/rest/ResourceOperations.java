package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.apply.ManagedFields;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.openapi.SchemaCatalog;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.selection.Names;
import dev.kvx.apiserver.strategy.ResourceStrategy;
import dev.kvx.apiserver.strategy.Strategies;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generic write semantics every resource shares, as k8s.io/apiserver's generic registry:
 * server-set metadata (uid, creationTimestamp, generation, resourceVersion), name and label
 * validation, optimistic concurrency, the status subresource split, finalizers and graceful
 * deletion marks. Kind-specific rules plug in through {@link ResourceStrategy}.
 */
public final class ResourceOperations {

  private static final String GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789";
  private static final int MAX_PATCH_RETRIES = 8;
  /** Upstream's delete retries until it wins; bounded here, generously, against a livelock. */
  private static final int MAX_DELETE_RETRIES = 64;

  /**
   * The "subresource" of server-internal writes that may change spec and status together (a
   * binding sets spec.nodeName and the PodScheduled condition in one write).
   */
  public static final String UNRESTRICTED = "*";

  private final ObjectStore store;
  private final Strategies strategies;
  private final NamespaceLifecycle namespaces;
  private final SecureRandom random = new SecureRandom();
  private volatile SchemaCatalog schemas;

  /** Enables managedFields tracking: every write with a manager records it. */
  public void trackManagedFields(SchemaCatalog schemas) {
    this.schemas = schemas;
  }

  public SchemaCatalog schemas() {
    return schemas;
  }

  public ResourceOperations(ObjectStore store, Strategies strategies, NamespaceLifecycle namespaces) {
    this.store = store;
    this.strategies = strategies;
    this.namespaces = namespaces;
  }

  public ObjectStore store() {
    return store;
  }

  public Strategies strategies() {
    return strategies;
  }

  // ---- create ----

  public Future<ObjectNode> create(ResourceType type, String urlNamespace, ObjectNode obj, boolean dryRun) {
    return create(type, urlNamespace, obj, dryRun, null);
  }

  /** A create recorded in managedFields for {@code manager} (null: not recorded). */
  public Future<ObjectNode> create(ResourceType type, String urlNamespace, ObjectNode input, boolean dryRun,
      String manager) {
    ObjectNode obj = input;
    checkTypeMeta(type, obj);
    ObjectNode meta = Json.with(obj, "metadata");
    if (type.namespaced()) {
      String ns = Json.text(meta, "namespace");
      if (ns == null || ns.isEmpty()) {
        meta.put("namespace", urlNamespace);
      } else if (urlNamespace != null && !ns.equals(urlNamespace)) {
        throw Statuses.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      if (Json.text(meta, "namespace") == null) {
        throw Statuses.badRequest("the namespace of the provided object is missing");
      }
    } else {
      meta.remove("namespace");
    }
    String rv = Json.text(meta, "resourceVersion");
    if (rv != null && !rv.isEmpty()) {
      throw Statuses.badRequest("resourceVersion should not be set on objects to be created");
    }
    meta.remove("resourceVersion");
    String name = Json.text(meta, "name");
    if (name == null || name.isEmpty()) {
      String prefix = Json.text(meta, "generateName");
      if (prefix == null || prefix.isEmpty()) {
        throw Statuses.invalid(type.group(), type.kind(), "", "FieldValueRequired", "metadata.name",
            "Required value: name or generateName is required");
      }
      meta.put("name", generateName(prefix));
    }
    ResourceStrategy strategy = strategies.of(type);
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", now());
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    meta.remove("selfLink");
    dropEmpty(meta);
    if (strategy.tracksGeneration() || isCustom(type)) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    if (type.hasSubresource("status") && !keepsStatusOnCreate(type)) {
      obj.remove("status");
    }
    strategy.prepareForCreate(obj);
    if (manager != null && schemas != null) {
      // Recorded after defaulting: upstream defaults while decoding, before its field manager runs,
      // so a writer owns the defaults of what it wrote (f:imagePullPolicy, f:strategy, …). The few
      // admission-time fields the strategies also fill in (a Pod's service account, a Job's
      // selector) are owned too, where upstream leaves them to nobody.
      obj = schemas.fieldManager(type).update(null, obj, manager, null);
      meta = (ObjectNode) obj.get("metadata");
    }
    validate(type, obj, strategy.validate(obj), strategy);
    ObjectNode created = obj;
    Future<Void> admitted = type.namespaced()
        ? namespaces.admitCreate(Json.text(meta, "namespace"))
        : Future.succeededFuture();
    return admitted.compose(v -> dryRun ? store.dryRunCreate(type, created) : store.create(type, created));
  }

  // ---- update / patch ----

  /**
   * A PUT: replaces the object, preconditioned on the body's resourceVersion when it has one. On
   * the status subresource only status changes; on the main resource status is kept.
   */
  public Future<ObjectNode> update(
      ResourceType type, String namespace, String name, ObjectNode body, String subresource, boolean dryRun) {
    return update(type, namespace, name, body, subresource, dryRun, null);
  }

  public Future<ObjectNode> update(ResourceType type, String namespace, String name, ObjectNode body,
      String subresource, boolean dryRun, String manager) {
    checkTypeMeta(type, body);
    checkNameAndNamespace(type, namespace, name, body);
    String rv = Json.text(body, "metadata", "resourceVersion");
    return store.get(type, namespace, name).compose(current -> {
      if (rv != null && !rv.isEmpty() && !rv.equals(Json.text(current, "metadata", "resourceVersion"))) {
        return Future.failedFuture(Statuses.staleResourceVersion(type.group(), type.plural(), name));
      }
      return write(type, current, body.deepCopy(), subresource, dryRun, manager);
    });
  }

  /**
   * A read-modify-write with retries on conflict, as GuaranteedUpdate: {@code mutate} gets a copy
   * of the current object and returns the desired one. When the desired object carries a
   * resourceVersion different from the current one, the write fails with 409 instead of retrying.
   */
  public Future<ObjectNode> guaranteedUpdate(
      ResourceType type, String namespace, String name, String subresource, boolean dryRun,
      Function<ObjectNode, ObjectNode> mutate) {
    return guaranteedUpdate(type, namespace, name, subresource, dryRun, null, mutate);
  }

  /** As above, recorded in managedFields for {@code manager} (null: not recorded). */
  public Future<ObjectNode> guaranteedUpdate(
      ResourceType type, String namespace, String name, String subresource, boolean dryRun, String manager,
      Function<ObjectNode, ObjectNode> mutate) {
    return attempt(type, namespace, name, subresource, dryRun, manager, mutate, 0);
  }

  private Future<ObjectNode> attempt(
      ResourceType type, String namespace, String name, String subresource, boolean dryRun, String manager,
      Function<ObjectNode, ObjectNode> mutate, int tries) {
    return store.get(type, namespace, name).compose(current -> {
      String currentRv = Json.text(current, "metadata", "resourceVersion");
      ObjectNode desired = mutate.apply(current.deepCopy());
      checkTypeMeta(type, desired);
      checkNameAndNamespace(type, namespace, name, desired);
      String wantedRv = Json.text(desired, "metadata", "resourceVersion");
      if (wantedRv != null && !wantedRv.isEmpty() && !wantedRv.equals(currentRv)) {
        return Future.failedFuture(Statuses.staleResourceVersion(type.group(), type.plural(), name));
      }
      Json.with(desired, "metadata").put("resourceVersion", currentRv);
      return write(type, current, desired, subresource, dryRun, manager);
    }).recover(e -> {
      boolean retry = Statuses.isConflict(e) && tries < MAX_PATCH_RETRIES
          && "the object has been modified; please apply your changes to the latest version and try again"
              .equals(conflictWhy(e, type, name));
      return retry ? attempt(type, namespace, name, subresource, dryRun, manager, mutate, tries + 1)
          : Future.failedFuture(e);
    });
  }

  private static String conflictWhy(Throwable e, ResourceType type, String name) {
    String prefix = "Operation cannot be fulfilled on " + type.groupResource() + " \"" + name + "\": ";
    String m = e.getMessage();
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : null;
  }

  /** The common tail of PUT and PATCH: merge server-owned fields, validate, CAS-write. */
  private Future<ObjectNode> write(
      ResourceType type, ObjectNode current, ObjectNode desired, String subresource, boolean dryRun, String manager) {
    ObjectNode next;
    if ("status".equals(subresource)) {
      next = current.deepCopy();
      JsonNode status = desired.get("status");
      if (status == null) {
        next.remove("status");
      } else {
        next.set("status", status);
      }
    } else {
      next = desired;
      if (type.hasSubresource("status") && !UNRESTRICTED.equals(subresource)) {
        JsonNode oldStatus = current.get("status");
        if (oldStatus == null) {
          next.remove("status");
        } else {
          next.set("status", oldStatus.deepCopy());
        }
      }
    }
    ObjectNode meta = Json.with(next, "metadata");
    ObjectNode oldMeta = (ObjectNode) current.get("metadata");
    String bodyUid = Json.text(meta, "uid");
    if (bodyUid != null && !bodyUid.isEmpty() && !bodyUid.equals(Json.text(oldMeta, "uid"))) {
      throw Statuses.conflict(type.group(), type.plural(), Json.text(oldMeta, "name"),
          "Precondition failed: UID in precondition: " + bodyUid + ", UID in object meta: " + Json.text(oldMeta, "uid"));
    }
    for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
      JsonNode v = oldMeta.get(f);
      if (v == null) {
        meta.remove(f);
      } else {
        meta.set(f, v.deepCopy());
      }
    }
    meta.put("resourceVersion", Json.text(oldMeta, "resourceVersion"));
    meta.remove("selfLink");
    dropEmpty(meta);
    if (!type.namespaced()) {
      meta.remove("namespace");
    }
    ResourceStrategy strategy = strategies.of(type);
    boolean internal = UNRESTRICTED.equals(subresource);
    if (!internal) {
      // Internal writes (binding, finalize) change what the kind's update rules protect, by design.
      strategy.prepareForUpdate(next, current);
    }
    if (manager != null && schemas != null) {
      // After defaulting, as on create: an added container's defaults are its writer's.
      next = schemas.fieldManager(type).update(current, next, manager, subresource);
      meta = (ObjectNode) next.get("metadata");
    }
    if ((strategy.tracksGeneration() || isCustom(type)) && specChanged(current, next)) {
      long gen = oldMeta.has("generation") ? oldMeta.get("generation").asLong() : 0;
      meta.put("generation", gen + 1);
    }
    if (oldMeta.has("deletionTimestamp")) {
      // Upstream refuses new finalizers on an object being deleted only in some kinds; keep simple.
    }
    // Status writes are checked by metadata rules only, as upstream's status strategies check status alone.
    boolean statusWrite = "status".equals(subresource);
    validate(type, next, internal || statusWrite ? List.of() : strategy.validateUpdate(next, current), strategy);
    long expected = Long.parseLong(Json.text(oldMeta, "resourceVersion"));
    next = ManagedFields.ignoreTimestampOnlyChanges(current, next);
    if (Json.MAPPER.valueToTree(next).equals(current)) {
      return Future.succeededFuture(current); // no-op: no write, no new resourceVersion
    }
    if (dryRun) {
      return Future.succeededFuture(next);
    }
    if (oldMeta.has("deletionTimestamp") && finalizers(next).isEmpty()
        && oldMeta.path("deletionGracePeriodSeconds").asLong(0) == 0
        && !(GracefulDeletion.isNamespace(type) && next.path("spec").path("finalizers").size() > 0)) {
      // Marked for deletion, no grace left and the last finalizer went away: the object is gone now.
      return store.delete(type, Json.text(oldMeta, "namespace"), Json.text(oldMeta, "name"), expected);
    }
    return store.update(type, next, expected);
  }

  /** ObjectMeta's maps and lists are omitempty upstream: a patch that empties one removes it. */
  private static void dropEmpty(ObjectNode meta) {
    for (String f : List.of("labels", "annotations", "finalizers", "ownerReferences", "managedFields")) {
      JsonNode v = meta.get(f);
      if (v != null && (v.isNull() || (v.isContainer() && v.isEmpty()))) {
        meta.remove(f);
      }
    }
  }

  private static boolean specChanged(ObjectNode old, ObjectNode next) {
    ObjectNode a = old.deepCopy();
    ObjectNode b = next.deepCopy();
    for (ObjectNode o : List.of(a, b)) {
      o.remove("metadata");
      o.remove("status");
    }
    return !a.equals(b);
  }

  // ---- delete ----

  /** DeleteOptions as they arrive in a body or query. */
  public record DeleteOptions(
      String propagationPolicy, Long gracePeriodSeconds, String preconditionUid,
      String preconditionResourceVersion, boolean dryRun) {
    public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);
  }

  /**
   * Deletes an object: with finalizers (or a propagation policy that adds one) it is only marked
   * with deletionTimestamp; otherwise it is removed. Returns the object as it now stands (marked) or
   * as it last stood (removed).
   */
  public Future<DeleteResult> delete(ResourceType type, String namespace, String name, DeleteOptions opts) {
    return deleteAttempt(type, namespace, name, opts, 0);
  }

  /**
   * One try of {@link #delete}. The write is a compare-and-swap at the revision read; when a writer
   * came in between (a controller updating status), the delete starts over from a fresh read, as
   * upstream's storage does, re-checking the preconditions: a delete without them never fails
   * with a Conflict.
   */
  private Future<DeleteResult> deleteAttempt(
      ResourceType type, String namespace, String name, DeleteOptions opts, int tries) {
    return deleteOnce(type, namespace, name, opts).recover(e -> {
      boolean retry = Statuses.isConflict(e) && tries < MAX_DELETE_RETRIES
          && "the object has been modified; please apply your changes to the latest version and try again"
              .equals(conflictWhy(e, type, name));
      return retry ? deleteAttempt(type, namespace, name, opts, tries + 1) : Future.failedFuture(e);
    });
  }

  private Future<DeleteResult> deleteOnce(ResourceType type, String namespace, String name, DeleteOptions opts) {
    return store.get(type, namespace, name).compose(current -> {
      ObjectNode meta = (ObjectNode) current.get("metadata");
      if (opts.preconditionUid() != null && !opts.preconditionUid().equals(Json.text(meta, "uid"))) {
        return Future.failedFuture(Statuses.conflict(type.group(), type.plural(), name,
            "Precondition failed: UID in precondition: " + opts.preconditionUid() + ", UID in object meta: "
                + Json.text(meta, "uid")));
      }
      if (opts.preconditionResourceVersion() != null
          && !opts.preconditionResourceVersion().equals(Json.text(meta, "resourceVersion"))) {
        return Future.failedFuture(Statuses.conflict(type.group(), type.plural(), name,
            "Precondition failed: ResourceVersion in precondition: " + opts.preconditionResourceVersion()
                + ", ResourceVersion in object meta: " + Json.text(meta, "resourceVersion")));
      }
      long rv = Long.parseLong(Json.text(meta, "resourceVersion"));
      List<String> finalizers = finalizers(current);
      String policy = opts.propagationPolicy();
      if ("Orphan".equals(policy) && !finalizers.contains("orphan")) {
        finalizers.add("orphan");
      } else if ("Foreground".equals(policy) && !finalizers.contains("foregroundDeletion")) {
        finalizers.add("foregroundDeletion");
      }
      long grace = GracefulDeletion.gracePeriod(type, current, opts.gracePeriodSeconds());
      if (meta.has("deletionTimestamp")) {
        // Already being deleted: only a shorter grace period (the kubelet's final 0) changes anything.
        long currentGrace = meta.path("deletionGracePeriodSeconds").asLong(0);
        if (GracefulDeletion.isNamespace(type) && current.path("spec").path("finalizers").isEmpty()
            && finalizers(current).isEmpty()) {
          return store.delete(type, namespace, name, rv).map(o -> new DeleteResult(o, true));
        }
        if (grace >= currentGrace || !GracefulDeletion.isPod(type)) {
          return Future.succeededFuture(new DeleteResult(current, false));
        }
        if (grace == 0 && finalizers(current).isEmpty()) {
          return opts.dryRun()
              ? Future.succeededFuture(new DeleteResult(current, true))
              : store.delete(type, namespace, name, rv).map(o -> new DeleteResult(o, true));
        }
        ObjectNode shortened = current.deepCopy();
        ObjectNode sm = (ObjectNode) shortened.get("metadata");
        sm.put("deletionTimestamp", GracefulDeletion.deadline(grace));
        sm.put("deletionGracePeriodSeconds", grace);
        return opts.dryRun()
            ? Future.succeededFuture(new DeleteResult(shortened, false))
            : store.update(type, shortened, rv).map(o -> new DeleteResult(o, false));
      }
      boolean namespaceWithFinalizers = GracefulDeletion.isNamespace(type)
          && current.path("spec").path("finalizers").size() > 0;
      if (finalizers.isEmpty() && grace == 0 && !namespaceWithFinalizers) {
        if (opts.dryRun()) {
          return Future.succeededFuture(new DeleteResult(current, true));
        }
        return store.delete(type, namespace, name, rv).map(o -> new DeleteResult(o, true));
      }
      ObjectNode marked = current.deepCopy();
      ObjectNode m = (ObjectNode) marked.get("metadata");
      m.put("deletionTimestamp", GracefulDeletion.deadline(grace));
      m.put("deletionGracePeriodSeconds", grace);
      if (!finalizers.isEmpty()) {
        ArrayNode fin = m.putArray("finalizers");
        finalizers.forEach(fin::add);
      }
      if (namespaceWithFinalizers) {
        Json.with(marked, "status").put("phase", "Terminating");
      }
      if (opts.dryRun()) {
        return Future.succeededFuture(new DeleteResult(marked, false));
      }
      return store.update(type, marked, rv).map(o -> new DeleteResult(o, false));
    });
  }

  /** The outcome of a delete: the object, and whether it is gone (else only marked). */
  public record DeleteResult(ObjectNode object, boolean removed) {}

  // ---- shared rules ----

  static List<String> finalizers(ObjectNode obj) {
    List<String> out = new ArrayList<>();
    JsonNode f = obj.path("metadata").get("finalizers");
    if (f != null && f.isArray()) {
      f.forEach(n -> out.add(n.asString()));
    }
    return out;
  }

  private static boolean keepsStatusOnCreate(ResourceType type) {
    // Pods, nodes and namespaces are created with a status their strategies fill in.
    return type.group().isEmpty() && (type.kind().equals("Pod") || type.kind().equals("Node")
        || type.kind().equals("Namespace") || type.kind().equals("PersistentVolume"));
  }

  private static boolean isCustom(ResourceType type) {
    return type.storagePrefix().startsWith("/registry/" + type.group() + "/") && !type.group().isEmpty()
        && !type.group().endsWith(".k8s.io");
  }

  /** apiVersion and kind must match the URL's resource (filled in when absent). */
  static void checkTypeMeta(ResourceType type, ObjectNode obj) {
    String apiVersion = Json.text(obj, "apiVersion");
    String kind = Json.text(obj, "kind");
    if (apiVersion == null || apiVersion.isEmpty()) {
      obj.put("apiVersion", type.apiVersion());
    } else if (!apiVersion.equals(type.apiVersion())) {
      throw Statuses.badRequest("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + type.apiVersion() + ")");
    }
    if (kind == null || kind.isEmpty()) {
      obj.put("kind", type.kind());
    } else if (!kind.equals(type.kind())) {
      throw Statuses.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
          + type.kind() + ")");
    }
  }

  private static void checkNameAndNamespace(ResourceType type, String namespace, String name, ObjectNode obj) {
    ObjectNode meta = Json.with(obj, "metadata");
    String bodyName = Json.text(meta, "name");
    if (bodyName == null || bodyName.isEmpty()) {
      meta.put("name", name);
    } else if (!bodyName.equals(name)) {
      throw Statuses.badRequest("the name of the object (" + bodyName
          + ") does not match the name on the URL (" + name + ")");
    }
    if (type.namespaced()) {
      String ns = Json.text(meta, "namespace");
      if (ns == null || ns.isEmpty()) {
        meta.put("namespace", namespace);
      } else if (!ns.equals(namespace)) {
        throw Statuses.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
    }
  }

  /** Generic metadata validation plus the strategy's causes; any cause is a 422. */
  private static void validate(
      ResourceType type, ObjectNode obj, List<StatusException.Cause> strategyCauses, ResourceStrategy strategy) {
    List<StatusException.Cause> causes = new ArrayList<>();
    ObjectNode meta = (ObjectNode) obj.get("metadata");
    String name = Json.text(meta, "name");
    if (strategy.nameIsDnsLabel()) {
      if (!Names.isDns1123Label(name)) {
        causes.add(new StatusException.Cause("FieldValueInvalid", "metadata.name", Names.labelMessage(name)));
      }
    } else if (!Names.isDns1123Subdomain(name) && !isPathSegmentName(type, name)) {
      causes.add(new StatusException.Cause("FieldValueInvalid", "metadata.name", Names.subdomainMessage(name)));
    }
    validateStringMap(meta.get("labels"), "metadata.labels", true, causes);
    validateStringMap(meta.get("annotations"), "metadata.annotations", false, causes);
    causes.addAll(strategyCauses);
    if (!causes.isEmpty()) {
      throw Statuses.invalid(type.group(), type.kind(), name == null ? "" : name, causes);
    }
  }

  /** Some kinds (RBAC roles, events) only need a name usable as a path segment. */
  private static boolean isPathSegmentName(ResourceType type, String name) {
    boolean relaxed = type.group().equals("rbac.authorization.k8s.io") || type.kind().equals("Event");
    return relaxed && name != null && !name.isEmpty() && !name.equals(".") && !name.equals("..")
        && !name.contains("/") && !name.contains("%");
  }

  private static void validateStringMap(JsonNode map, String field, boolean labels, List<StatusException.Cause> causes) {
    if (map == null || map.isNull()) {
      return;
    }
    if (!map.isObject()) {
      causes.add(new StatusException.Cause("FieldValueInvalid", field, "Invalid value: must be a map of strings"));
      return;
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      if (!Names.isQualifiedName(e.getKey())) {
        causes.add(new StatusException.Cause("FieldValueInvalid", field,
            "Invalid value: \"" + e.getKey() + "\": name part must consist of alphanumeric characters, '-', '_' or"
                + " '.', and must start and end with an alphanumeric character"));
      }
      if (!e.getValue().isString()) {
        causes.add(new StatusException.Cause("FieldValueInvalid", field + "." + e.getKey(),
            "Invalid value: must be a string"));
      } else if (labels && !Names.isLabelValue(e.getValue().asString())) {
        causes.add(new StatusException.Cause("FieldValueInvalid", field,
            "Invalid value: \"" + e.getValue().asString() + "\": a valid label must be an empty string or consist"
                + " of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric"
                + " character"));
      }
    }
  }

  private String generateName(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() > 58 ? prefix.substring(0, 58) : prefix);
    for (int i = 0; i < 5; i++) {
      sb.append(GENERATE_CHARS.charAt(random.nextInt(GENERATE_CHARS.length())));
    }
    return sb.toString();
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  static boolean sameJson(JsonNode a, JsonNode b) {
    return Objects.equals(a, b);
  }
}
