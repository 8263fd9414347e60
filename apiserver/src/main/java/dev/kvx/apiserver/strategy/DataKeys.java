package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** The key rules of ConfigMap and Secret data ({@code IsConfigMapKey}) and their immutability. */
final class DataKeys {

  private DataKeys() {}

  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  static List<Cause> keys(JsonNode obj, List<String> fields) {
    List<Cause> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String field : fields) {
      JsonNode data = obj.get(field);
      if (data == null || !data.isObject()) {
        continue;
      }
      for (String key : data.propertyNames()) {
        FieldPath p = FieldPath.root(field).key(key);
        if (key.length() > 253) {
          out.add(FieldErrors.invalid(p, key, "must be no more than 253 characters"));
        }
        if (!KEY.matcher(key).matches()) {
          out.add(FieldErrors.invalid(p, key, "a valid config key must consist of alphanumeric characters, '-', '_'"
              + " or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is"
              + " '[-._a-zA-Z0-9]+')"));
        } else if (key.equals(".") || key.equals("..") || key.startsWith("..")) {
          out.add(FieldErrors.invalid(p, key, "must not be '.' or '..' or start with '..'"));
        }
        if (!seen.add(key)) {
          out.add(FieldErrors.invalid(p, key, "duplicate of key present in " + other(fields, field)));
        }
      }
    }
    return out;
  }

  private static String other(List<String> fields, String field) {
    return fields.stream().filter(f -> !f.equals(field)).findFirst().orElse(field);
  }

  /** An object marked {@code immutable: true} keeps its data and the mark. */
  static List<Cause> immutable(JsonNode obj, JsonNode old, List<String> fields) {
    List<Cause> out = new ArrayList<>();
    if (!Nodes.isTrue(old, "immutable")) {
      return out;
    }
    if (!Nodes.isTrue(obj, "immutable")) {
      out.add(FieldErrors.forbidden(FieldPath.root("immutable"), "field is immutable when `immutable` is set"));
    }
    for (String f : fields) {
      if (!Nodes.same(obj.get(f), old.get(f)) && !(empty(obj.get(f)) && empty(old.get(f)))) {
        out.add(FieldErrors.forbidden(FieldPath.root(f), "field is immutable when `immutable` is set"));
      }
    }
    return out;
  }

  private static boolean empty(JsonNode n) {
    return n == null || n.isNull() || n.isEmpty();
  }
}
