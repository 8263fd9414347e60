package dev.kvx.apiserver.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@link PatchMeta} read from an OpenAPI schema, the way kubectl and kube-apiserver read it: the
 * strategic-merge extensions ({@code x-kubernetes-patch-strategy}, {@code
 * x-kubernetes-patch-merge-key}) and the apply extensions ({@code x-kubernetes-list-type}, {@code
 * x-kubernetes-list-map-keys}, {@code x-kubernetes-map-type}) at the use site or on the referenced
 * definition, {@code $ref} and single-entry {@code allOf} followed. As kube-openapi's conversion, a
 * list without a list type but with the merge patch strategy is a map keyed by its merge key (a set
 * when it has none), and any other list is atomic.
 */
public final class OpenApiPatchMeta implements PatchMeta {

  private static final int MAX_REF_DEPTH = 16;
  private static final JsonNode EMPTY = JsonNodeFactory.instance.objectNode();

  private final JsonNode site;
  private final JsonNode resolved;
  private final Function<String, JsonNode> definitions;

  private OpenApiPatchMeta(JsonNode site, Function<String, JsonNode> definitions) {
    this.site = site;
    this.definitions = definitions;
    this.resolved = resolve(site, definitions);
  }

  /**
   * The meta of a schema.
   *
   * @param schema an OpenAPI v3 (or v2) schema object
   * @param definitions the definition a {@code $ref} names, by the last segment of the reference
   *     ({@code #/components/schemas/X} and {@code #/definitions/X} both look up {@code X}); null
   *     when unknown
   */
  public static PatchMeta of(JsonNode schema, Function<String, JsonNode> definitions) {
    if (schema == null || !schema.isObject()) {
      return PatchMeta.NONE;
    }
    return new OpenApiPatchMeta(schema, definitions);
  }

  private static JsonNode resolve(JsonNode node, Function<String, JsonNode> definitions) {
    JsonNode n = node;
    for (int depth = 0; depth < MAX_REF_DEPTH && n != null; depth++) {
      JsonNode allOf = n.get("allOf");
      if (allOf != null && allOf.isArray() && allOf.size() == 1 && !n.has("properties")) {
        n = allOf.get(0);
        continue;
      }
      JsonNode ref = n.get("$ref");
      if (ref != null && ref.isString()) {
        String r = ref.asString();
        JsonNode def = definitions == null ? null : definitions.apply(r.substring(r.lastIndexOf('/') + 1));
        n = def;
        continue;
      }
      return n.isObject() ? n : EMPTY;
    }
    return EMPTY;
  }

  private JsonNode extension(String name) {
    JsonNode v = site.get(name);
    if (v == null && resolved != null) {
      v = resolved.get(name);
    }
    return v;
  }

  @Override
  public PatchMeta field(String name) {
    JsonNode props = resolved.get("properties");
    if (props != null && props.has(name)) {
      return of(props.get(name), definitions);
    }
    JsonNode additional = resolved.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      return of(additional, definitions);
    }
    return PatchMeta.NONE;
  }

  @Override
  public PatchMeta items() {
    JsonNode items = resolved.get("items");
    return items != null && items.isObject() ? of(items, definitions) : PatchMeta.NONE;
  }

  @Override
  public List<String> patchStrategies() {
    JsonNode s = extension("x-kubernetes-patch-strategy");
    if (s == null || !s.isString() || s.asString().isEmpty()) {
      return List.of();
    }
    return List.of(s.asString().split(","));
  }

  @Override
  public String patchMergeKey() {
    JsonNode k = extension("x-kubernetes-patch-merge-key");
    return k != null && k.isString() ? k.asString() : null;
  }

  @Override
  public ListType listType() {
    JsonNode t = extension("x-kubernetes-list-type");
    if (t != null && t.isString()) {
      return switch (t.asString()) {
        case "set" -> ListType.SET;
        case "map" -> ListType.MAP;
        default -> ListType.ATOMIC;
      };
    }
    if (mergesList()) {
      return patchMergeKey() != null ? ListType.MAP : ListType.SET;
    }
    return ListType.ATOMIC;
  }

  @Override
  public List<String> listMapKeys() {
    JsonNode keys = extension("x-kubernetes-list-map-keys");
    if (keys != null && keys.isArray()) {
      List<String> out = new ArrayList<>();
      keys.forEach(k -> out.add(k.asString()));
      return out;
    }
    String key = patchMergeKey();
    return key == null ? List.of() : List.of(key);
  }

  @Override
  public boolean atomicObject() {
    JsonNode t = extension("x-kubernetes-map-type");
    return t != null && "atomic".equals(t.asString());
  }

  @Override
  public boolean declares(String name) {
    JsonNode props = resolved.get("properties");
    return props != null && props.has(name);
  }

  @Override
  public boolean isStruct() {
    JsonNode props = resolved.get("properties");
    return props != null && !props.isEmpty();
  }

  @Override
  public JsonNode defaultOf(String name) {
    JsonNode props = resolved.get("properties");
    if (props == null || !props.has(name)) {
      return null;
    }
    JsonNode prop = props.get(name);
    JsonNode d = prop.get("default");
    if (d == null) {
      JsonNode r = resolve(prop, definitions);
      d = r == null ? null : r.get("default");
    }
    return d == null || d.isNull() ? null : d;
  }

  @Override
  public String toString() {
    return "OpenApiPatchMeta" + site;
  }
}
