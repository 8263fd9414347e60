package dev.kvx.apiserver.openapi;

import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.schema.BuiltinSchemas;
import dev.kvx.apiserver.schema.OpenApiSchemas;
import dev.kvx.apiserver.schema.Schema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI definitions of the built-in kinds, as upstream publishes them in {@code
 * components.schemas}: rendered from the schema package's structural schemas (fabric8's model, with
 * upstream's patch strategies and merge keys) and completed with what server-side apply and kubectl
 * read besides — {@code x-kubernetes-group-version-kind} on each kind, {@code
 * x-kubernetes-list-type}/{@code x-kubernetes-list-map-keys} where they differ from the merge key,
 * {@code x-kubernetes-map-type: atomic} on the structs upstream declares atomic, and the defaults of
 * list-map key fields.
 *
 * <p>Thread-safe: a kind's definitions are built on first use; published definitions are never
 * modified (a kind's group-version-kind is added to a copy).
 */
final class BuiltinModels {

  /** Lists whose apply semantics are not the merge-key fallback: {@code Owner.property} → keys. */
  static final Map<String, List<String>> LIST_MAP_KEYS = Map.of(
      "Container.ports", List.of("containerPort", "protocol"),
      "EphemeralContainer.ports", List.of("containerPort", "protocol"),
      "ServiceSpec.ports", List.of("port", "protocol"),
      "PodSpec.topologySpreadConstraints", List.of("topologyKey", "whenUnsatisfiable"));

  /** Structs upstream marks {@code +structType=atomic}: replaced whole, owned as one field. */
  static final Set<String> ATOMIC_STRUCTS = Set.of(
      "LabelSelector", "NodeSelector", "NodeSelectorTerm", "LocalObjectReference", "ObjectReference",
      "TypedLocalObjectReference", "ConfigMapKeySelector", "SecretKeySelector", "ObjectFieldSelector",
      "ResourceFieldSelector", "TopologySelectorTerm", "SecretReference");

  /** Schema defaults of fields that are list-map keys: {@code Owner.property} → default. */
  static final Map<String, String> KEY_DEFAULTS = Map.of(
      "ContainerPort.protocol", "TCP",
      "ServicePort.protocol", "TCP");

  /** Definitions by name; a definition is never modified once published (copy on write). */
  private static final Map<String, ObjectNode> DEFINITIONS = new ConcurrentHashMap<>();
  private static final Map<String, Optional<String>> ROOTS = new ConcurrentHashMap<>();

  private BuiltinModels() {}

  /**
   * The definition name of a built-in kind ({@code io.k8s.api.apps.v1.Deployment}), empty when
   * fabric8 has no model of it. The first call for a kind builds its definitions (and loads its
   * model classes: blocking, possibly for long).
   */
  static Optional<String> root(String group, String version, String kind) {
    return ROOTS.computeIfAbsent(group + "/" + version + "/" + kind, k -> build(group, version, kind));
  }

  /** A definition by name, or null. Callers must not modify it. */
  static ObjectNode definition(String name) {
    return DEFINITIONS.get(name);
  }

  /** Builds every served built-in kind's definitions (blocking). */
  static void buildAll() {
    for (ResourceType t : BuiltinResources.ALL) {
      root(t.group(), t.version(), t.kind());
    }
    root("autoscaling", "v1", "Scale");
  }

  private static Optional<String> build(String group, String version, String kind) {
    Optional<Schema> schema = BuiltinSchemas.of(group, version, kind);
    if (schema.isEmpty()) {
      return Optional.empty();
    }
    String rootName = OpenApiSchemas.definitionName(schema.get().modelClass());
    for (Map.Entry<String, JsonNode> e : OpenApiSchemas.components(schema.get()).properties()) {
      DEFINITIONS.computeIfAbsent(e.getKey(), name -> complete(name, (ObjectNode) e.getValue()));
    }
    DEFINITIONS.compute(rootName, (name, def) -> {
      ObjectNode copy = def.deepCopy();
      JsonNode gvks = copy.get("x-kubernetes-group-version-kind");
      ArrayNode list = gvks instanceof ArrayNode a ? a : copy.putArray("x-kubernetes-group-version-kind");
      list.addObject().put("group", group).put("kind", kind).put("version", version);
      return copy;
    });
    return Optional.of(rootName);
  }

  /** Adds the apply extensions and defaults upstream's definition has. */
  private static ObjectNode complete(String name, ObjectNode def) {
    String simple = name.substring(name.lastIndexOf('.') + 1);
    if (simple.equals("FieldsV1")) {
      // Free-form in upstream's model (the set is raw JSON), a bean without properties in fabric8's.
      def.remove("properties");
    }
    if (ATOMIC_STRUCTS.contains(simple)) {
      def.put("x-kubernetes-map-type", "atomic");
    }
    JsonNode props = def.get("properties");
    if (props != null) {
      for (Map.Entry<String, JsonNode> p : props.properties()) {
        String key = simple + "." + p.getKey();
        List<String> mapKeys = LIST_MAP_KEYS.get(key);
        if (mapKeys != null && p.getValue() instanceof ObjectNode prop) {
          prop.put("x-kubernetes-list-type", "map");
          var arr = prop.putArray("x-kubernetes-list-map-keys");
          mapKeys.forEach(arr::add);
        }
        String dflt = KEY_DEFAULTS.get(key);
        if (dflt != null && p.getValue() instanceof ObjectNode prop) {
          prop.put("default", dflt);
        }
      }
    }
    return def;
  }
}
