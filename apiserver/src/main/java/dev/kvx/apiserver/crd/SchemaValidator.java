package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.json.Json;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates a custom resource against its CRD version's schema as apiextensions-apiserver does
 * with kube-openapi's validator: each failure becomes the {@code field.Error} upstream's {@code
 * kubeOpenAPIResultToFieldErrors} makes of it, e.g. {@code spec.replicas: Invalid value: "string":
 * spec.replicas in body must be of type integer: "string"}. Field paths are dotted with list
 * indexes ({@code spec.items[0].name}). Pure; run it on the pruned and defaulted object.
 */
final class SchemaValidator {

  private static final String IN = " in body";
  private static final Pattern UUID = Pattern.compile(
      "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$");
  private static final Pattern IPV4 = Pattern.compile(
      "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$");

  private final List<Cause> causes = new ArrayList<>();

  private SchemaValidator() {}

  /** The problems of {@code obj} under {@code root}, in schema order; empty when valid. */
  static List<Cause> validate(StructuralSchema root, JsonNode obj) {
    SchemaValidator v = new SchemaValidator();
    v.visit(root, obj, "", true);
    return v.causes;
  }

  private void visit(StructuralSchema s, JsonNode data, String path, boolean resourceRoot) {
    if (data == null || data.isNull()) {
      if (s.hasType() && !s.nullable || s.intOrString && !s.nullable) {
        causes.add(FieldErrors.typeInvalid(path, "\"null\"",
            path + IN + " must be of type " + typeNames(s) + ": \"null\""));
      }
      return;
    }
    String actual = jsonType(data);
    if (!typeMatches(s, data, actual)) {
      causes.add(FieldErrors.typeInvalid(path, GoFormat.quote(actual),
          path + IN + " must be of type " + typeNames(s) + ": " + GoFormat.quote(actual)));
      return;
    }
    combinators(s, data, path);
    switch (actual) {
      case "string" -> string(s, data.asString(), path);
      case "integer", "number" -> number(s, data, path);
      case "array" -> array(s, data, path);
      case "object" -> object(s, (ObjectNode) data, path, resourceRoot);
      default -> {}
    }
    if (s.enumValues != null && s.enumValues.stream().noneMatch(e -> sameValue(e, data))) {
      List<String> supported = new ArrayList<>();
      for (JsonNode e : s.enumValues) {
        supported.add(e.isString() ? e.asString() : Json.string(e));
      }
      causes.add(FieldErrors.notSupported(path, GoFormat.badValue(data), supported));
    }
  }

  // ---- types -------------------------------------------------------------------------------

  static String jsonType(JsonNode v) {
    if (v.isString()) {
      return "string";
    }
    if (v.isBoolean()) {
      return "boolean";
    }
    if (v.isIntegralNumber()) {
      return "integer";
    }
    if (v.isNumber()) {
      return "number";
    }
    if (v.isArray()) {
      return "array";
    }
    return "object";
  }

  private static String typeNames(StructuralSchema s) {
    return s.intOrString ? "integer,string" : s.type;
  }

  private static boolean typeMatches(StructuralSchema s, JsonNode data, String actual) {
    if (s.intOrString) {
      return actual.equals("string") || actual.equals("integer") || isWholeNumber(data);
    }
    if (!s.hasType()) {
      return true;
    }
    if (s.type.equals(actual)) {
      return true;
    }
    // A float with an integral value passes as an integer, and any integer as a number.
    return s.type.equals("integer") && actual.equals("number") && isWholeNumber(data)
        || s.type.equals("number") && actual.equals("integer");
  }

  private static boolean isWholeNumber(JsonNode data) {
    if (!data.isNumber()) {
      return false;
    }
    BigDecimal d = data.decimalValue();
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  /** Equality of decoded JSON values, numbers by value (1 and 1.0 are the same). */
  static boolean sameValue(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameValue(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode other = b.get(e.getKey());
        if (other == null || !sameValue(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  // ---- scalars -----------------------------------------------------------------------------

  private void string(StructuralSchema s, String value, String path) {
    if (s.format != null && !formatMatches(s.format, value)) {
      causes.add(FieldErrors.typeInvalid(path, GoFormat.quote(value),
          path + IN + " must be of type " + s.format + ": " + GoFormat.quote(value)));
    }
    long length = value.codePointCount(0, value.length());
    if (s.maxLength != null && length > s.maxLength) {
      causes.add(FieldErrors.tooLong(path, s.maxLength));
    }
    if (s.minLength != null && length < s.minLength) {
      causes.add(FieldErrors.invalid(path, GoFormat.quote(value),
          path + IN + " should be at least " + s.minLength + " chars long"));
    }
    if (s.compiledPattern != null && !s.compiledPattern.matcher(value).find()) {
      causes.add(FieldErrors.invalid(path, GoFormat.quote(value),
          path + IN + " should match '" + s.pattern + "'"));
    }
  }

  /** The string formats of upstream's registry that objects commonly use; others pass. */
  private static boolean formatMatches(String format, String v) {
    try {
      switch (format) {
        case "date-time", "datetime" -> OffsetDateTime.parse(v);
        case "date" -> LocalDate.parse(v);
        case "byte" -> Base64.getDecoder().decode(v);
        case "uuid" -> {
          return UUID.matcher(v).matches();
        }
        case "ipv4" -> {
          return IPV4.matcher(v).matches();
        }
        case "ipv6" -> {
          return v.contains(":") && v.matches("[0-9A-Fa-f:.]+")
              && java.net.InetAddress.getByName(v) instanceof java.net.Inet6Address;
        }
        default -> {
          return true;
        }
      }
      return true;
    } catch (DateTimeParseException | IllegalArgumentException | java.net.UnknownHostException e) {
      return false;
    }
  }

  private void number(StructuralSchema s, JsonNode data, String path) {
    BigDecimal value = data.decimalValue();
    String bad = GoFormat.plainV(data);
    if (s.multipleOf != null && s.multipleOf.signum() > 0
        && value.remainder(s.multipleOf).signum() != 0) {
      causes.add(FieldErrors.invalid(path, bad,
          path + IN + " should be a multiple of " + GoFormat.bound(s.multipleOf)));
    }
    if (s.maximum != null) {
      int c = value.compareTo(s.maximum);
      if (c > 0 || c == 0 && s.exclusiveMaximum) {
        causes.add(FieldErrors.invalid(path, bad, path + IN + " should be less than "
            + (s.exclusiveMaximum ? "" : "or equal to ") + boundFor(data, s.maximum)));
      }
    }
    if (s.minimum != null) {
      int c = value.compareTo(s.minimum);
      if (c < 0 || c == 0 && s.exclusiveMinimum) {
        causes.add(FieldErrors.invalid(path, bad, path + IN + " should be greater than "
            + (s.exclusiveMinimum ? "" : "or equal to ") + boundFor(data, s.minimum)));
      }
    }
  }

  /** kube-openapi compares integers with an integral bound as int64, which prints as one. */
  private static String boundFor(JsonNode data, BigDecimal bound) {
    if (data.isIntegralNumber() && bound.stripTrailingZeros().scale() <= 0) {
      return bound.toBigInteger().toString();
    }
    return GoFormat.bound(bound);
  }

  // ---- containers --------------------------------------------------------------------------

  private void array(StructuralSchema s, JsonNode data, String path) {
    int size = data.size();
    if (s.minItems != null && size < s.minItems) {
      causes.add(FieldErrors.invalid(path, Integer.toString(size),
          path + IN + " should have at least " + s.minItems + " items"));
    }
    if (s.maxItems != null && size > s.maxItems) {
      causes.add(FieldErrors.tooMany(path, size, s.maxItems));
    }
    if (s.items != null) {
      for (int i = 0; i < size; i++) {
        visit(s.items, data.get(i), path + "[" + i + "]", false);
      }
    }
    listType(s, data, path);
  }

  /** x-kubernetes-list-type set and map: no duplicate items, no duplicate keys. */
  private void listType(StructuralSchema s, JsonNode data, String path) {
    if ("set".equals(s.listType)) {
      List<JsonNode> seen = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        JsonNode item = data.get(i);
        if (seen.stream().anyMatch(x -> sameValue(x, item))) {
          causes.add(FieldErrors.duplicate(path + "[" + i + "]", GoFormat.badValue(item)));
        } else {
          seen.add(item);
        }
      }
    } else if ("map".equals(s.listType) && !s.listMapKeys.isEmpty()) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < data.size(); i++) {
        JsonNode item = data.get(i);
        if (!item.isObject()) {
          continue;
        }
        ObjectNode keys = dev.kvx.apiserver.json.Json.FACTORY.objectNode();
        for (String k : s.listMapKeys) {
          JsonNode v = item.get(k);
          if (v != null) {
            keys.set(k, v);
          }
        }
        if (!seen.add(keys.toString())) {
          causes.add(FieldErrors.duplicate(path + "[" + i + "]", GoFormat.sharpV(keys)));
        }
      }
    }
  }

  private void object(StructuralSchema s, ObjectNode data, String path, boolean resourceRoot) {
    int size = data.size();
    if (s.minProperties != null && size < s.minProperties) {
      causes.add(FieldErrors.invalid(path, Integer.toString(s.minProperties.intValue()),
          path + IN + " should have at least " + s.minProperties + " properties"));
    }
    if (s.maxProperties != null && size > s.maxProperties) {
      causes.add(FieldErrors.tooMany(path, size, s.maxProperties));
    }
    for (Map.Entry<String, JsonNode> e : data.properties()) {
      String key = e.getKey();
      StructuralSchema prop = s.properties.get(key);
      String child = path.isEmpty() ? key : path + "." + key;
      if (prop != null) {
        visit(prop, e.getValue(), child, false);
      } else if (s.additionalProperties != null) {
        visit(s.additionalProperties, e.getValue(), child, false);
      }
    }
    for (String r : s.required) {
      if (!data.has(r)) {
        causes.add(FieldErrors.required(path.isEmpty() ? r : path + "." + r, ""));
      }
    }
    if (s.embeddedResource && !resourceRoot) {
      for (String f : List.of("apiVersion", "kind")) {
        JsonNode v = data.get(f);
        if (v == null || v.isNull() || v.isString() && v.asString().isEmpty()) {
          causes.add(FieldErrors.required(path + "." + f, "must not be empty"));
        }
      }
    }
  }

  // ---- allOf, anyOf, oneOf, not ------------------------------------------------------------

  private void combinators(StructuralSchema s, JsonNode data, String path) {
    for (StructuralSchema all : s.allOf) {
      visit(all, data, path, false);
    }
    if (!s.anyOf.isEmpty() && s.anyOf.stream().noneMatch(b -> passes(b, data, path))) {
      causes.add(FieldErrors.invalid(path, "\"\"", GoFormat.quote(path) + " must validate at least one schema (anyOf)"));
    }
    if (!s.oneOf.isEmpty() && s.oneOf.stream().filter(b -> passes(b, data, path)).count() != 1) {
      causes.add(FieldErrors.invalid(path, "\"\"", GoFormat.quote(path) + " must validate one and only one schema (oneOf)"));
    }
    if (s.not != null && passes(s.not, data, path)) {
      causes.add(FieldErrors.invalid(path, "\"\"", GoFormat.quote(path) + " must not validate the schema (not)"));
    }
  }

  private static boolean passes(StructuralSchema branch, JsonNode data, String path) {
    SchemaValidator v = new SchemaValidator();
    v.visit(branch, data, path, false);
    return v.causes.isEmpty();
  }
}
