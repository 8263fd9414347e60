package dev.kvx.apiserver.strategy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Small tree helpers for defaulting and validation. "Unset" follows Go's zero values: a missing
 * or null field, and for strings also the empty string. Every reader tolerates a field of the
 * wrong shape (the decoder reports those), so strategies never fail on odd input.
 */
final class Nodes {

  private Nodes() {}

  static boolean unset(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v == null || v.isNull() || (v.isString() && v.asString().isEmpty());
  }

  static void defaultString(ObjectNode o, String field, String value) {
    if (unset(o, field)) {
      o.put(field, value);
    }
  }

  static void defaultInt(ObjectNode o, String field, long value) {
    if (unset(o, field)) {
      o.put(field, value);
    }
  }

  static void defaultBool(ObjectNode o, String field, boolean value) {
    if (unset(o, field)) {
      o.put(field, value);
    }
  }

  /** The object at {@code field}, created when unset; null when a non-object sits there. */
  static ObjectNode object(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v instanceof ObjectNode o) {
      return o;
    }
    if (v == null || v.isNull()) {
      return parent.putObject(field);
    }
    return null;
  }

  /** The object at {@code field}, or null. */
  static ObjectNode objectOrNull(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v instanceof ObjectNode o ? o : null;
  }

  /** The object items of the list at {@code field}; empty when there is none. */
  static List<ObjectNode> objects(JsonNode parent, String field) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode v = parent == null ? null : parent.get(field);
    if (v instanceof ArrayNode a) {
      for (JsonNode i : a) {
        out.add(i instanceof ObjectNode o ? o : null);
      }
    }
    out.removeIf(java.util.Objects::isNull);
    return out;
  }

  /** The number of items of the list at {@code field} (0 when not a list). */
  static int size(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && v.isArray() ? v.size() : 0;
  }

  /** The string at {@code field}, or "" when unset or not a string. */
  static String text(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && v.isString() ? v.asString() : "";
  }

  /** The integer at {@code field}, or null when unset or not integral. */
  static Long integer(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && v.isIntegralNumber() ? v.asLong() : null;
  }

  static boolean isTrue(JsonNode parent, String field) {
    JsonNode v = parent == null ? null : parent.get(field);
    return v != null && v.isBoolean() && v.asBoolean();
  }

  /** A map of strings (labels, selectors); non-string values are skipped. */
  static Map<String, String> stringMap(JsonNode parent, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode v = parent == null ? null : parent.get(field);
    if (v != null && v.isObject()) {
      v.properties().forEach(e -> {
        if (e.getValue().isString()) {
          out.put(e.getKey(), e.getValue().asString());
        }
      });
    }
    return out;
  }

  /** Equality of two optional subtrees, a missing field equal to null. */
  static boolean same(JsonNode a, JsonNode b) {
    boolean aNull = a == null || a.isNull() || a.isMissingNode();
    boolean bNull = b == null || b.isNull() || b.isMissingNode();
    return aNull || bNull ? aNull == bNull : a.equals(b);
  }
}
