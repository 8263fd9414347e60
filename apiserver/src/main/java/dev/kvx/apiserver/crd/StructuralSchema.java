package dev.kvx.apiserver.crd;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * One node of a CRD version's {@code openAPIV3Schema}, parsed once so that validating, pruning and
 * defaulting custom resources does not re-read the JSON. Fields that are absent stay null (or
 * empty); {@link #raw} keeps the node for the structural checks of {@link SchemaRules}.
 * Immutable and shared by every request that uses the CRD version.
 */
final class StructuralSchema {

  final JsonNode raw;
  final String type;
  final String format;
  final boolean nullable;
  final boolean intOrString;
  final boolean preserveUnknownFields;
  final boolean embeddedResource;
  final Map<String, StructuralSchema> properties;
  final StructuralSchema items;
  /** The schema of the values of a map ({@code additionalProperties: {…}}), or null. */
  final StructuralSchema additionalProperties;
  /** {@code additionalProperties: true}: any further keys are kept as they are. */
  final boolean additionalPropertiesAny;
  final List<String> required;
  /** The allowed values, or null when the schema has no {@code enum}. */
  final List<JsonNode> enumValues;
  final String pattern;
  /** {@link #pattern} compiled, null when absent or not a valid expression. */
  final Pattern compiledPattern;
  final BigDecimal minimum;
  final BigDecimal maximum;
  final boolean exclusiveMinimum;
  final boolean exclusiveMaximum;
  final BigDecimal multipleOf;
  final Long minLength;
  final Long maxLength;
  final Long minItems;
  final Long maxItems;
  final Long minProperties;
  final Long maxProperties;
  final JsonNode defaultValue;
  final List<StructuralSchema> allOf;
  final List<StructuralSchema> anyOf;
  final List<StructuralSchema> oneOf;
  final StructuralSchema not;
  final String listType;
  final List<String> listMapKeys;

  private StructuralSchema(JsonNode n) {
    raw = n;
    type = text(n, "type");
    format = text(n, "format");
    nullable = n.path("nullable").asBoolean(false);
    intOrString = n.path("x-kubernetes-int-or-string").asBoolean(false);
    preserveUnknownFields = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    embeddedResource = n.path("x-kubernetes-embedded-resource").asBoolean(false);
    Map<String, StructuralSchema> props = new LinkedHashMap<>();
    JsonNode p = n.get("properties");
    if (p != null && p.isObject()) {
      p.properties().forEach(e -> props.put(e.getKey(), parse(e.getValue())));
    }
    properties = Collections.unmodifiableMap(props);
    JsonNode i = n.get("items");
    items = i != null && i.isObject() ? parse(i) : null;
    JsonNode ap = n.get("additionalProperties");
    additionalProperties = ap != null && ap.isObject() ? parse(ap) : null;
    additionalPropertiesAny = ap != null && ap.isBoolean() && ap.asBoolean();
    required = strings(n.get("required"));
    JsonNode en = n.get("enum");
    if (en != null && en.isArray()) {
      List<JsonNode> values = new ArrayList<>();
      en.forEach(values::add);
      enumValues = List.copyOf(values);
    } else {
      enumValues = null;
    }
    pattern = text(n, "pattern");
    compiledPattern = pattern == null ? null : compile(pattern);
    minimum = decimal(n, "minimum");
    maximum = decimal(n, "maximum");
    exclusiveMinimum = n.path("exclusiveMinimum").asBoolean(false);
    exclusiveMaximum = n.path("exclusiveMaximum").asBoolean(false);
    multipleOf = decimal(n, "multipleOf");
    minLength = integer(n, "minLength");
    maxLength = integer(n, "maxLength");
    minItems = integer(n, "minItems");
    maxItems = integer(n, "maxItems");
    minProperties = integer(n, "minProperties");
    maxProperties = integer(n, "maxProperties");
    defaultValue = n.get("default");
    allOf = list(n.get("allOf"));
    anyOf = list(n.get("anyOf"));
    oneOf = list(n.get("oneOf"));
    JsonNode nt = n.get("not");
    not = nt != null && nt.isObject() ? parse(nt) : null;
    listType = text(n, "x-kubernetes-list-type");
    listMapKeys = strings(n.get("x-kubernetes-list-map-keys"));
  }

  /** Parses a schema node; a non-object node reads as the empty schema. */
  static StructuralSchema parse(JsonNode node) {
    return new StructuralSchema(node != null && node.isObject() ? node : tools.jackson.databind.node.JsonNodeFactory
        .instance.objectNode());
  }

  /** Whether {@code type} names a JSON type this node requires (empty type: anything). */
  boolean hasType() {
    return type != null && !type.isEmpty();
  }

  /**
   * Compiles a schema pattern. Patterns are Go RE2 expressions, unanchored as {@code
   * regexp.MatchString} applies them; the RE2 spellings Java lacks ({@code (?P<name>},
   * POSIX classes) are translated.
   */
  static Pattern compile(String re2) {
    String java = re2.replace("(?P<", "(?<")
        .replace("[:alpha:]", "\\p{Alpha}").replace("[:digit:]", "\\p{Digit}")
        .replace("[:alnum:]", "\\p{Alnum}").replace("[:upper:]", "\\p{Upper}")
        .replace("[:lower:]", "\\p{Lower}").replace("[:space:]", "\\s")
        .replace("[:punct:]", "\\p{Punct}").replace("[:xdigit:]", "\\p{XDigit}")
        .replace("[:word:]", "\\w");
    try {
      return Pattern.compile(java);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isString() ? v.asString() : null;
  }

  private static BigDecimal decimal(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.decimalValue() : null;
  }

  private static Long integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isNumber() ? v.asLong() : null;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> {
        if (v.isString()) {
          out.add(v.asString());
        }
      });
    }
    return List.copyOf(out);
  }

  private static List<StructuralSchema> list(JsonNode n) {
    List<StructuralSchema> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> out.add(parse(v)));
    }
    return List.copyOf(out);
  }
}
