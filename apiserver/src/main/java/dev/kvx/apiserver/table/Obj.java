package dev.kvx.apiserver.table;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Null-safe reads of an object's JSON with Go's zero values for what is absent, so the printers
 * read like their upstream counterparts over typed structs.
 */
final class Obj {

  private Obj() {}

  /** The node at a path of field names, or a missing node. */
  static JsonNode at(JsonNode node, String... path) {
    JsonNode n = node == null ? MissingNode.getInstance() : node;
    for (String p : path) {
      n = n.path(p);
    }
    return n;
  }

  /** Whether the path holds a value (Go: a non-nil pointer). */
  static boolean has(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    return !n.isMissingNode() && !n.isNull();
  }

  /** The text at a path, {@code ""} when absent. */
  static String str(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    return n.isValueNode() && !n.isNull() ? n.asString() : "";
  }

  /** The text at a path, {@code fallback} when absent or empty. */
  static String strOr(String fallback, JsonNode node, String... path) {
    String s = str(node, path);
    return s.isEmpty() ? fallback : s;
  }

  /** The integer at a path, 0 when absent. */
  static long num(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    return n.isNumber() ? n.asLong() : n.isString() ? parseLong(n.asString()) : 0;
  }

  /** The integer at a path, {@code fallback} when absent (Go: a nil pointer defaulted upstream). */
  static long numOr(long fallback, JsonNode node, String... path) {
    return has(node, path) ? num(node, path) : fallback;
  }

  static boolean bool(JsonNode node, String... path) {
    return at(node, path).asBoolean(false);
  }

  /** The elements of the array at a path, empty when absent. */
  static List<JsonNode> list(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    List<JsonNode> out = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(out::add);
    }
    return out;
  }

  /** The string map at a path, sorted by key, empty when absent. */
  static Map<String, String> map(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    Map<String, String> out = new TreeMap<>();
    if (n.isObject()) {
      n.properties().forEach(e -> out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asString() : e.getValue().toString()));
    }
    return out;
  }

  /** How many fields the object at a path has. */
  static int size(JsonNode node, String... path) {
    JsonNode n = at(node, path);
    return n.isContainer() ? n.size() : 0;
  }

  /** The RFC 3339 time at a path, null when absent or not a time. */
  static Instant time(JsonNode node, String... path) {
    String s = str(node, path);
    if (s.isEmpty()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String name(JsonNode obj) {
    return str(obj, "metadata", "name");
  }

  static String age(JsonNode obj, Instant now) {
    return HumanDuration.since(time(obj, "metadata", "creationTimestamp"), now);
  }

  /** An IntOrString as {@code intstr.IntOrString.String()} prints it. */
  static String intOrString(JsonNode n) {
    return n.isNumber() ? Long.toString(n.asLong()) : n.asString();
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
