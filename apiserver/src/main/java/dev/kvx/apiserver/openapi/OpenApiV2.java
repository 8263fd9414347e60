package dev.kvx.apiserver.openapi;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /openapi/v2}: the Swagger 2.0 document with the {@code definitions} of every served kind.
 * kubectl ≤ 1.31 downloads it (as the gnostic {@code openapi_v2.Document} protobuf) for {@code
 * explain}, to compute {@code apply} patches (it reads {@code x-kubernetes-patch-strategy} and
 * {@code x-kubernetes-patch-merge-key}) and, when a server cannot validate fields, to validate
 * manifests; newer kubectl falls back to it for kinds missing from v3. References to other
 * definitions are plain {@code $ref}s carrying their extensions, as kube-openapi's v2 parser wants.
 *
 * <p>The static methods serve the built-in kinds; an instance follows a registry and its custom
 * resource schemas. Thread-safe; documents are built on first use and cached.
 */
public final class OpenApiV2 {

  /** What kube-openapi answers with ('@' would not parse as a media type in Go clients). */
  public static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  private static final class Builtin {
    static final OpenApiV2 INSTANCE = new OpenApiV2(ResourceRegistry.withBuiltins(), new SchemaCatalog());
  }

  /** One built document and its two encodings. */
  private record Built(long stamp, ObjectNode doc, byte[] json, byte[] protobuf) {}

  private final ResourceRegistry registry;
  private final SchemaCatalog catalog;
  private final AtomicLong registryChanges = new AtomicLong();
  private volatile Built built;

  public OpenApiV2(ResourceRegistry registry, SchemaCatalog catalog) {
    this.registry = registry;
    this.catalog = catalog;
    registry.onAdd(t -> registryChanges.incrementAndGet());
    registry.onRemove(t -> registryChanges.incrementAndGet());
  }

  /** The built-in kinds' document as protobuf. */
  public static byte[] protobuf() {
    return Builtin.INSTANCE.protobufBytes();
  }

  /** The built-in kinds' document as JSON. */
  public static String json() {
    return new String(Builtin.INSTANCE.jsonBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The document (must not be modified). */
  public ObjectNode document() {
    return current().doc();
  }

  public byte[] jsonBytes() {
    return current().json();
  }

  public byte[] protobufBytes() {
    return current().protobuf();
  }

  private Built current() {
    long stamp = registryChanges.get() * 1_000_003L + catalog.generation();
    Built b = built;
    if (b != null && b.stamp() == stamp) {
      return b;
    }
    synchronized (this) {
      b = built;
      if (b == null || b.stamp() != stamp) {
        ObjectNode doc = build();
        b = new Built(stamp, doc, Json.bytes(doc), GnosticV2.document(doc));
        built = b;
      }
      return b;
    }
  }

  private ObjectNode build() {
    Set<String> names = new LinkedHashSet<>();
    for (ResourceType t : registry.all()) {
      catalog.definitionName(t).ifPresent(root -> names.addAll(catalog.reachable(root)));
    }
    catalog.scaleDefinitionName().ifPresent(root -> names.addAll(catalog.reachable(root)));
    ObjectNode doc = Json.object();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", OpenApiV3.TITLE).put("version", OpenApiV3.VERSION);
    doc.putObject("paths");
    ObjectNode defs = doc.putObject("definitions");
    for (String name : names) {
      defs.set(name, toV2(catalog.definition(name)));
    }
    return doc;
  }

  /**
   * A v3 schema in v2 form: references point into {@code #/definitions/}, and an {@code allOf}
   * wrapping one reference (how v3 attaches extensions to a reference) becomes the reference itself.
   */
  static JsonNode toV2(JsonNode v3) {
    if (v3 == null || !v3.isObject()) {
      return v3;
    }
    ObjectNode out = Json.object();
    JsonNode allOf = v3.get("allOf");
    boolean unwrap = allOf != null && allOf.isArray() && allOf.size() == 1 && allOf.get(0).has("$ref")
        && !v3.has("properties") && !v3.has("type");
    for (Map.Entry<String, JsonNode> e : v3.properties()) {
      String k = e.getKey();
      JsonNode v = e.getValue();
      switch (k) {
        case "allOf" -> {
          if (unwrap) {
            out.put("$ref", v3Ref(allOf.get(0).get("$ref").asString()));
          } else {
            var arr = out.putArray("allOf");
            v.forEach(s -> arr.add(toV2(s)));
          }
        }
        case "$ref" -> out.put("$ref", v3Ref(v.asString()));
        case "properties" -> {
          ObjectNode props = out.putObject("properties");
          v.properties().forEach(p -> props.set(p.getKey(), toV2(p.getValue())));
        }
        case "items", "additionalProperties" -> out.set(k, v.isObject() ? toV2(v) : v);
        default -> out.set(k, v);
      }
    }
    return out;
  }

  private static String v3Ref(String ref) {
    return "#/definitions/" + ref.substring(ref.lastIndexOf('/') + 1);
  }
}
