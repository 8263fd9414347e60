package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * The checks apiextensions-apiserver makes on a version's {@code openAPIV3Schema} before it
 * accepts a CRD: the schema must be structural (every specified field typed, arrays with items,
 * an object at the root, metadata restricted to name and generateName, value validations under
 * anyOf/allOf/oneOf/not without types) and use only the OpenAPI subset Kubernetes supports;
 * defaults must validate against their own schema. Field paths are the CRD's, e.g. {@code
 * spec.versions[0].schema.openAPIV3Schema.properties[spec].type}. Pure.
 */
final class SchemaRules {

  private static final Set<String> TYPES = Set.of("array", "boolean", "integer", "number", "object", "string");
  private static final List<String> TYPE_LIST = List.of("array", "boolean", "integer", "number", "object", "string");
  private static final List<String> LIST_TYPES = List.of("atomic", "map", "set");
  private static final List<String> MAP_TYPES = List.of("atomic", "granular");
  private static final Set<String> RESOURCE_META = Set.of("metadata", "kind", "apiVersion");

  private enum Level { ROOT, ITEM, FIELD }

  private SchemaRules() {}

  /** All problems of one schema rooted at {@code path}; structural ones first, sorted as upstream. */
  static List<Cause> validate(JsonNode schema, String path) {
    List<Cause> structural = new ArrayList<>();
    structural(schema, Level.ROOT, path, structural);
    structural.sort(Comparator.comparing(c -> c.field() + ": " + c.message()));
    List<Cause> all = new ArrayList<>(structural);
    if (schema.path("nullable").asBoolean(false)) {
      all.add(FieldErrors.forbidden(path + ".nullable", "nullable cannot be true at the root"));
    }
    openApi(schema, path, true, false, null, all);
    if (all.isEmpty()) {
      defaults(schema, path, true, all);
    }
    return all;
  }

  // ---- structural invariants (structuralschema.ValidateStructural) -------------------------

  private static void structural(JsonNode s, Level level, String path, List<Cause> out) {
    String type = s.path("type").isString() ? s.get("type").asString() : "";
    JsonNode items = s.get("items");
    if (type.equals("array") && (items == null || items.isNull())) {
      out.add(FieldErrors.required(path + ".items", "must be specified"));
    }
    if (items != null && items.isObject()) {
      structural(items, Level.ITEM, path + ".items", out);
    }
    JsonNode props = s.path("properties");
    for (Map.Entry<String, JsonNode> e : props.properties()) {
      structural(e.getValue(), Level.FIELD, path + ".properties[" + e.getKey() + "]", out);
    }
    JsonNode additional = s.get("additionalProperties");
    if (additional != null && !additional.isNull()) {
      if (level == Level.ROOT) {
        out.add(FieldErrors.forbidden(path + ".additionalProperties", "must not be used at the root"));
      }
      if (additional.isObject()) {
        structural(additional, Level.FIELD, path + ".additionalProperties", out);
      }
    }
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    if (intOrString && preserve) {
      out.add(FieldErrors.invalid(path + ".x-kubernetes-preserve-unknown-fields", "true",
          "must be false if x-kubernetes-int-or-string is true"));
    }
    if (intOrString && embedded) {
      out.add(FieldErrors.invalid(path + ".x-kubernetes-embedded-resource", "true",
          "must be false if x-kubernetes-int-or-string is true"));
    }
    valueValidation(s, isIntOrStringAnyOf(s.get("anyOf")), isIntOrStringAllOf(s.get("allOf")), path, out);
    if (embedded && !type.equals("object")) {
      out.add(type.isEmpty()
          ? FieldErrors.required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
          : FieldErrors.invalidString(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
    } else if (type.isEmpty() && !intOrString && !preserve) {
      out.add(FieldErrors.required(path + ".type", switch (level) {
        case ROOT -> "must not be empty at the root";
        case ITEM -> "must not be empty for specified array items";
        case FIELD -> "must not be empty for specified object fields";
      }));
    }
    if (embedded && additional != null && !additional.isNull()) {
      out.add(FieldErrors.forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
    }
    if (level == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
      out.add(FieldErrors.invalidString(path + ".type", type, "must be object at the root"));
    }
    if (level == Level.ROOT || embedded) {
      for (String f : List.of("kind", "apiVersion")) {
        JsonNode p = props.get(f);
        if (p != null && !"string".equals(p.path("type").asString(""))) {
          out.add(FieldErrors.invalidString(path + ".properties[" + f + "].type", p.path("type").asString(""), "must be string"));
        }
      }
      JsonNode meta = props.get("metadata");
      if (meta != null && !"object".equals(meta.path("type").asString(""))) {
        out.add(FieldErrors.invalidString(path + ".properties[metadata].type", meta.path("type").asString(""), "must be object"));
      }
    }
    if (level == Level.ROOT && props.has("metadata") && !onlyNameAndGenerateName(props.get("metadata"))) {
      out.add(FieldErrors.forbidden(path + ".properties[metadata]",
          "must not specify anything other than name and generateName, but metadata is implicitly specified"));
    }
    if (embedded && !preserve && props.isEmpty()) {
      out.add(FieldErrors.required(path + ".properties",
          "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
    }
  }

  private static boolean onlyNameAndGenerateName(JsonNode meta) {
    for (Map.Entry<String, JsonNode> e : meta.properties()) {
      switch (e.getKey()) {
        case "type", "default" -> {}
        case "properties" -> {
          for (String p : e.getValue().propertyNames()) {
            if (!p.equals("name") && !p.equals("generateName")) {
              return false;
            }
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isIntOrStringAnyOf(JsonNode anyOf) {
    return anyOf != null && anyOf.isArray() && anyOf.size() == 2
        && anyOf.get(0).size() == 1 && "integer".equals(anyOf.get(0).path("type").asString(""))
        && anyOf.get(1).size() == 1 && "string".equals(anyOf.get(1).path("type").asString(""));
  }

  private static boolean isIntOrStringAllOf(JsonNode allOf) {
    return allOf != null && allOf.isArray() && !allOf.isEmpty() && isIntOrStringAnyOf(allOf.get(0).get("anyOf"));
  }

  /** anyOf/allOf/oneOf/not of a node, and its pattern. */
  private static void valueValidation(JsonNode s, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, String path,
      List<Cause> out) {
    JsonNode anyOf = s.get("anyOf");
    if (!skipAnyOf && anyOf != null && anyOf.isArray()) {
      for (int i = 0; i < anyOf.size(); i++) {
        nested(anyOf.get(i), false, path + ".anyOf[" + i + "]", out);
      }
    }
    JsonNode allOf = s.get("allOf");
    if (allOf != null && allOf.isArray()) {
      for (int i = 0; i < allOf.size(); i++) {
        nested(allOf.get(i), skipFirstAllOfAnyOf && i == 0, path + ".allOf[" + i + "]", out);
      }
    }
    JsonNode oneOf = s.get("oneOf");
    if (oneOf != null && oneOf.isArray()) {
      for (int i = 0; i < oneOf.size(); i++) {
        nested(oneOf.get(i), false, path + ".oneOf[" + i + "]", out);
      }
    }
    JsonNode not = s.get("not");
    if (not != null && not.isObject()) {
      nested(not, false, path + ".not", out);
    }
    JsonNode pattern = s.get("pattern");
    if (pattern != null && pattern.isString()) {
      try {
        Pattern.compile(pattern.asString());
      } catch (PatternSyntaxException e) {
        if (StructuralSchema.compile(pattern.asString()) == null) {
          out.add(FieldErrors.invalidString(path + ".pattern", pattern.asString(),
              "must be a valid regular expression, but isn't: error parsing regexp: " + e.getDescription()));
        }
      }
    }
  }

  /** A value validation under a junctor: it may not declare types or Kubernetes extensions. */
  private static void nested(JsonNode v, boolean skipAnyOf, String path, List<Cause> out) {
    if (!v.isObject()) {
      return;
    }
    valueValidation(v, skipAnyOf, false, path, out);
    JsonNode items = v.get("items");
    if (items != null && items.isObject()) {
      nested(items, false, path + ".items", out);
    }
    for (Map.Entry<String, JsonNode> e : v.path("properties").properties()) {
      nested(e.getValue(), false, path + ".properties[" + e.getKey() + "]", out);
    }
    forbidIf(v.hasNonNull("type"), path + ".type", "must be empty to be structural", out);
    forbidIf(v.hasNonNull("additionalProperties"), path + ".additionalProperties", "must be undefined to be structural", out);
    forbidIf(v.hasNonNull("default"), path + ".default", "must be undefined to be structural", out);
    forbidIf(!v.path("title").asString("").isEmpty(), path + ".title", "must be empty to be structural", out);
    forbidIf(!v.path("description").asString("").isEmpty(), path + ".description", "must be empty to be structural", out);
    forbidIf(v.path("nullable").asBoolean(false), path + ".nullable", "must be false to be structural", out);
    forbidIf(v.path("x-kubernetes-preserve-unknown-fields").asBoolean(false),
        path + ".x-kubernetes-preserve-unknown-fields", "must be false to be structural", out);
    forbidIf(v.path("x-kubernetes-embedded-resource").asBoolean(false),
        path + ".x-kubernetes-embedded-resource", "must be false to be structural", out);
    forbidIf(v.path("x-kubernetes-int-or-string").asBoolean(false),
        path + ".x-kubernetes-int-or-string", "must be false to be structural", out);
    forbidIf(v.path("x-kubernetes-list-map-keys").size() > 0,
        path + ".x-kubernetes-list-map-keys", "must be empty to be structural", out);
    forbidIf(v.hasNonNull("x-kubernetes-list-type"), path + ".x-kubernetes-list-type", "must be undefined to be structural", out);
    forbidIf(v.path("properties").has("metadata"), path + ".properties[metadata]", "must not be specified in a nested context", out);
  }

  private static void forbidIf(boolean condition, String field, String detail, List<Cause> out) {
    if (condition) {
      out.add(FieldErrors.forbidden(field, detail));
    }
  }

  // ---- the supported OpenAPI subset (ValidateCustomResourceDefinitionOpenAPISchema) --------

  private static void openApi(JsonNode s, String path, boolean root, boolean insideMeta, String noDefaults,
      List<Cause> out) {
    if (s == null || !s.isObject()) {
      return;
    }
    String type = s.path("type").isString() ? s.get("type").asString() : "";
    if (!type.isEmpty() && !TYPES.contains(type)) {
      out.add(FieldErrors.notSupported(path + ".type", GoFormat.quote(type), TYPE_LIST));
    }
    if (s.has("default") && noDefaults != null) {
      out.add(FieldErrors.forbidden(path + ".default", "must not be set " + noDefaults));
    }
    forbidIf(!s.path("id").asString("").isEmpty(), path + ".id", "id is not supported", out);
    forbidIf(s.hasNonNull("additionalItems"), path + ".additionalItems", "additionalItems is not supported", out);
    forbidIf(s.path("patternProperties").size() > 0, path + ".patternProperties", "patternProperties is not supported", out);
    forbidIf(s.path("definitions").size() > 0, path + ".definitions", "definitions is not supported", out);
    forbidIf(s.hasNonNull("dependencies"), path + ".dependencies", "dependencies is not supported", out);
    forbidIf(s.hasNonNull("$ref"), path + ".$ref", "$ref is not supported", out);
    forbidIf(type.equals("null"), path + ".type", "type cannot be set to null, use nullable as an alternative", out);
    forbidIf(s.path("items").isArray(), path + ".items", "items must be a schema object and not an array", out);
    forbidIf(insideMeta && s.path("x-kubernetes-embedded-resource").asBoolean(false),
        path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta", out);
    forbidIf(s.path("uniqueItems").asBoolean(false), path + ".uniqueItems",
        "uniqueItems cannot be set to true since the runtime complexity becomes quadratic", out);
    JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
    if (preserve != null && preserve.isBoolean() && !preserve.asBoolean()) {
      out.add(FieldErrors.invalid(path + ".x-kubernetes-preserve-unknown-fields", "false", "must be true or undefined"));
    }
    listType(s, path, out);
    JsonNode additional = s.get("additionalProperties");
    JsonNode props = s.path("properties");
    if (additional != null && !additional.isNull()) {
      if (props.size() > 0 && (additional.isObject() || additional.isBoolean() && !additional.asBoolean())) {
        out.add(FieldErrors.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
      }
      openApi(additional, path + ".additionalProperties", false, insideMeta,
          insideMeta ? "inside additionalProperties applying to object metadata" : noDefaults, out);
    }
    boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    for (Map.Entry<String, JsonNode> e : props.properties()) {
      boolean meta = (root || embedded) && RESOURCE_META.contains(e.getKey());
      String childNoDefaults = meta && root ? "in top-level " + e.getKey() : noDefaults;
      openApi(e.getValue(), path + ".properties[" + e.getKey() + "]", false, insideMeta || meta, childNoDefaults, out);
    }
    openApi(s.get("not"), path + ".not", false, insideMeta, noDefaults, out);
    for (String junctor : List.of("allOf", "oneOf", "anyOf")) {
      JsonNode list = s.get(junctor);
      if (list != null && list.isArray()) {
        for (int i = 0; i < list.size(); i++) {
          openApi(list.get(i), path + "." + junctor + "[" + i + "]", false, insideMeta, noDefaults, out);
        }
      }
    }
    if (s.path("items").isObject()) {
      openApi(s.get("items"), path + ".items", false, insideMeta, noDefaults, out);
    }
  }

  private static void listType(JsonNode s, String path, List<Cause> out) {
    JsonNode listType = s.get("x-kubernetes-list-type");
    JsonNode keys = s.get("x-kubernetes-list-map-keys");
    if (listType != null && listType.isString()) {
      String lt = listType.asString();
      if (!LIST_TYPES.contains(lt)) {
        out.add(FieldErrors.notSupported(path + ".x-kubernetes-list-type", GoFormat.quote(lt), LIST_TYPES));
      } else if (!"array".equals(s.path("type").asString(""))) {
        out.add(FieldErrors.invalidString(path + ".type", s.path("type").asString(""),
            "must be array if x-kubernetes-list-type is specified"));
      } else if (lt.equals("map") && (keys == null || keys.isEmpty())) {
        out.add(FieldErrors.required(path + ".x-kubernetes-list-map-keys",
            "must not be empty if x-kubernetes-list-type is map"));
      }
    }
    if (keys != null && keys.size() > 0 && (listType == null || !"map".equals(listType.asString("")))) {
      out.add(FieldErrors.forbidden(path + ".x-kubernetes-list-map-keys",
          "must be empty if x-kubernetes-list-type is not map"));
    }
    JsonNode mapType = s.get("x-kubernetes-map-type");
    if (mapType != null && mapType.isString() && !MAP_TYPES.contains(mapType.asString())) {
      out.add(FieldErrors.notSupported(path + ".x-kubernetes-map-type", GoFormat.quote(mapType.asString()), MAP_TYPES));
    }
  }

  // ---- defaults (structuraldefaulting.ValidateDefaults) ------------------------------------

  /** Each default must be valid under its own schema. */
  private static void defaults(JsonNode s, String path, boolean root, List<Cause> out) {
    if (s == null || !s.isObject()) {
      return;
    }
    JsonNode def = s.get("default");
    if (def != null && !root) {
      for (Cause c : SchemaValidator.validate(StructuralSchema.parse(s), def)) {
        String field = path + ".default" + (c.field().isEmpty() ? "" : "." + c.field());
        out.add(new Cause(c.type(), field, c.message()));
      }
    }
    for (Map.Entry<String, JsonNode> e : s.path("properties").properties()) {
      if (root && RESOURCE_META.contains(e.getKey())) {
        continue;
      }
      defaults(e.getValue(), path + ".properties[" + e.getKey() + "]", false, out);
    }
    if (s.path("additionalProperties").isObject()) {
      defaults(s.get("additionalProperties"), path + ".additionalProperties", false, out);
    }
    if (s.path("items").isObject()) {
      defaults(s.get("items"), path + ".items", false, out);
    }
  }
}
