package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CustomResourceDefinition read into what serving it needs: names, scope and, per version, the
 * parsed schema, subresources and printer columns. Tolerant: a field that is missing or of the
 * wrong shape reads as empty (validation reports it), so any stored CRD can be parsed.
 */
record Definition(
    String name,
    String group,
    String scope,
    Names names,
    List<Version> versions,
    boolean terminating) {

  static final String GROUP = "apiextensions.k8s.io";

  /** {@code spec.names} (or {@code status.acceptedNames}). */
  record Names(
      String plural, String singular, String kind, String listKind, List<String> shortNames,
      List<String> categories) {

    static Names parse(JsonNode n) {
      String kind = text(n, "kind");
      String singular = text(n, "singular");
      String listKind = text(n, "listKind");
      return new Names(text(n, "plural"), singular.isEmpty() ? kind.toLowerCase() : singular, kind,
          listKind.isEmpty() && !kind.isEmpty() ? kind + "List" : listKind, strings(n.get("shortNames")),
          strings(n.get("categories")));
    }

    /** The names as {@code status.acceptedNames} carries them (empty lists left out). */
    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("plural", plural);
      if (!singular.isEmpty()) {
        o.put("singular", singular);
      }
      if (!shortNames.isEmpty()) {
        shortNames.forEach(o.putArray("shortNames")::add);
      }
      o.put("kind", kind);
      if (!listKind.isEmpty()) {
        o.put("listKind", listKind);
      }
      if (!categories.isEmpty()) {
        categories.forEach(o.putArray("categories")::add);
      }
      return o;
    }
  }

  /** A version's {@code subresources.scale}. */
  record ScalePaths(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {}

  /** One entry of {@code spec.versions}. */
  record Version(
      String name,
      boolean served,
      boolean storage,
      StructuralSchema schema,
      boolean statusSubresource,
      ScalePaths scale,
      JsonNode printerColumns) {}

  static Definition parse(JsonNode crd) {
    JsonNode spec = crd.path("spec");
    List<Version> versions = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      JsonNode schema = v.path("schema").get("openAPIV3Schema");
      JsonNode sub = v.path("subresources");
      JsonNode scale = sub.get("scale");
      ScalePaths paths = scale == null || !scale.isObject() ? null : new ScalePaths(
          text(scale, "specReplicasPath"), text(scale, "statusReplicasPath"), text(scale, "labelSelectorPath"));
      versions.add(new Version(text(v, "name"), v.path("served").asBoolean(false), v.path("storage").asBoolean(false),
          schema == null || !schema.isObject() ? null : StructuralSchema.parse(schema),
          sub.has("status") && !sub.get("status").isNull(), paths, v.get("additionalPrinterColumns")));
    }
    return new Definition(text(crd.path("metadata"), "name"), text(spec, "group"), text(spec, "scope"),
        Names.parse(spec.path("names")), List.copyOf(versions),
        crd.path("metadata").hasNonNull("deletionTimestamp"));
  }

  boolean namespaced() {
    return "Namespaced".equals(scope);
  }

  /** Where every version's objects live: {@code /registry/<group>/<plural>/}. */
  String storagePrefix() {
    return "/registry/" + group + "/" + names.plural + "/";
  }

  Version version(String name) {
    return versions.stream().filter(v -> v.name.equals(name)).findFirst().orElse(null);
  }

  Version storageVersion() {
    return versions.stream().filter(Version::storage).findFirst().orElse(null);
  }

  /** The served resource of one version. */
  ResourceType type(Version v) {
    Set<String> subresources = new LinkedHashSet<>();
    if (v.statusSubresource) {
      subresources.add("status");
    }
    if (v.scale != null) {
      subresources.add("scale");
    }
    return new ResourceType(group, v.name, names.kind, names.plural, names.singular, namespaced(),
        names.shortNames, names.categories, Set.copyOf(subresources), storagePrefix());
  }

  /** The served versions' resources, most preferred first (discovery's order). */
  List<ResourceType> servedTypes() {
    List<Version> served = new ArrayList<>(versions.stream().filter(Version::served).toList());
    served.sort((a, b) -> VersionPriority.compare(a.name, b.name));
    return served.stream().map(this::type).toList();
  }

  /** A type to reach the stored objects with, served or not (cleanup after deletion). */
  ResourceType storageType() {
    Version storage = storageVersion();
    return type(storage != null ? storage : versions.isEmpty()
        ? new Version("v1", false, true, null, false, null, null) : versions.get(0));
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n == null ? null : n.get(field);
    return v != null && v.isString() ? v.asString() : "";
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> out.add(v.isString() ? v.asString() : v.toString()));
    }
    return List.copyOf(out);
  }
}
