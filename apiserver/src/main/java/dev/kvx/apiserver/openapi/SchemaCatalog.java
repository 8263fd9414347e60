package dev.kvx.apiserver.openapi;

import dev.kvx.apiserver.apply.FieldManager;
import dev.kvx.apiserver.apply.OpenApiPatchMeta;
import dev.kvx.apiserver.apply.PatchMeta;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schemas of every served kind, by OpenAPI definition name: the built-in kinds' (from fabric8's
 * model, see {@link BuiltinModels}) and the custom resources' (their CRD's {@code openAPIV3Schema},
 * supplied with {@link #putCustomResourceSchema} by whoever establishes CRDs). The OpenAPI documents
 * publish them, and strategic merge patch and server-side apply read their merge keys and list
 * types through {@link #patchMeta} and {@link #fieldManager}.
 *
 * <p>Thread-safe. Definitions returned must not be modified.
 */
public final class SchemaCatalog {

  static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

  /** A custom resource's published definition. */
  private record Custom(String name, ObjectNode definition) {}

  private final Map<String, Custom> custom = new ConcurrentHashMap<>();
  private final Map<String, Custom> customByName = new ConcurrentHashMap<>();
  private final Map<String, FieldManager> managers = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();

  private static String key(String group, String version, String kind) {
    return group + "/" + version + "/" + kind;
  }

  /**
   * Publishes (or replaces) the schema of a custom resource version, as a CRD's {@code
   * spec.versions[].schema.openAPIV3Schema}; null for a version without a schema. The published
   * definition gets {@code apiVersion}, {@code kind} and an ObjectMeta {@code metadata}, as
   * kube-apiserver publishes CRDs.
   */
  public void putCustomResourceSchema(String group, String version, String kind, JsonNode openAPIV3Schema) {
    String name = customDefinitionName(group, version, kind);
    ObjectNode def = openAPIV3Schema instanceof ObjectNode o ? o.deepCopy() : Json.object();
    if (!def.has("type")) {
      def.put("type", "object");
    }
    if (openAPIV3Schema == null || !openAPIV3Schema.has("properties")) {
      def.put("x-kubernetes-preserve-unknown-fields", true);
    }
    ObjectNode props = Json.with(def, "properties");
    props.putObject("apiVersion").put("type", "string");
    props.putObject("kind").put("type", "string");
    props.putObject("metadata").put("$ref", "#/components/schemas/" + OBJECT_META);
    def.putArray("x-kubernetes-group-version-kind").addObject()
        .put("group", group).put("kind", kind).put("version", version);
    Custom c = new Custom(name, def);
    Custom old = custom.put(key(group, version, kind), c);
    if (old != null) {
      customByName.remove(old.name());
    }
    customByName.put(name, c);
    changed();
  }

  /** Stops publishing a custom resource version's schema. */
  public void removeCustomResourceSchema(String group, String version, String kind) {
    Custom old = custom.remove(key(group, version, kind));
    if (old != null) {
      customByName.remove(old.name());
      changed();
    }
  }

  private void changed() {
    generation.incrementAndGet();
    managers.clear();
  }

  /** Builds the schemas of every built-in kind now (blocking: call it from a worker thread). */
  public void warmUp() {
    BuiltinModels.buildAll();
  }

  /** Changes with every custom schema change (documents built before are stale). */
  public long generation() {
    return generation.get();
  }

  /**
   * Upstream's definition name of a custom resource: the group reversed, the version, the kind
   * ({@code stable.example.com/v1 CronTab} → {@code com.example.stable.v1.CronTab}).
   */
  static String customDefinitionName(String group, String version, String kind) {
    List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
    Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  /** Whether the kind is built in (modelled), which is what strategic merge patch needs. */
  public boolean isBuiltin(ResourceType type) {
    return BuiltinModels.root(type.group(), type.version(), type.kind()).isPresent();
  }

  /** The definition of autoscaling/v1 Scale, the kind of every {@code scale} subresource. */
  public Optional<String> scaleDefinitionName() {
    return BuiltinModels.root("autoscaling", "v1", "Scale");
  }

  /** The definition name of a served kind, if it has a schema. */
  public Optional<String> definitionName(ResourceType type) {
    Optional<String> b = BuiltinModels.root(type.group(), type.version(), type.kind());
    if (b.isPresent()) {
      return b;
    }
    Custom c = custom.get(key(type.group(), type.version(), type.kind()));
    return c == null ? Optional.empty() : Optional.of(c.name());
  }

  /** A definition by name, or null. */
  public JsonNode definition(String name) {
    ObjectNode b = BuiltinModels.definition(name);
    if (b != null) {
      return b;
    }
    Custom c = customByName.get(name);
    return c == null ? null : c.definition();
  }

  /** {@code root} and every definition it refers to. */
  public Set<String> reachable(String root) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      JsonNode def = definition(name);
      if (def != null && out.add(name)) {
        collectRefs(def, todo);
      }
    }
    return out;
  }

  static void collectRefs(JsonNode n, Deque<String> todo) {
    if (n.isObject()) {
      JsonNode ref = n.get("$ref");
      if (ref != null && ref.isString()) {
        String r = ref.asString();
        todo.add(r.substring(r.lastIndexOf('/') + 1));
      }
      n.forEach(c -> collectRefs(c, todo));
    } else if (n.isArray()) {
      n.forEach(c -> collectRefs(c, todo));
    }
  }

  /**
   * The merge keys and list types of a kind's objects. A kind without a schema still has an
   * ObjectMeta (labels and annotations merge by key, finalizers are a set).
   */
  public PatchMeta patchMeta(ResourceType type) {
    Optional<String> name = definitionName(type);
    if (name.isPresent()) {
      return OpenApiPatchMeta.of(definition(name.get()), this::definition);
    }
    ObjectNode any = Json.object();
    any.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    any.putObject("properties").putObject("metadata").put("$ref", "#/components/schemas/" + OBJECT_META);
    return OpenApiPatchMeta.of(any, this::definition);
  }

  /** The field manager of a kind (its schema, and whether status is a subresource). */
  public FieldManager fieldManager(ResourceType type) {
    return managers.computeIfAbsent(type.group() + "/" + type.version() + "/" + type.plural(),
        k -> new FieldManager(patchMeta(type), type.hasSubresource("status")));
  }
}
