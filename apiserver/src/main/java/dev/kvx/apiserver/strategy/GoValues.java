package dev.kvx.apiserver.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Prints a bad value as upstream's field errors do: strings quoted like Go's {@code %q}, numbers
 * and booleans plain, string maps and lists as Go's {@code %#v} ({@code map[string]string{"a":"b"}},
 * {@code []string{"x"}}), other objects as compact JSON (upstream prints Go structs there).
 */
public final class GoValues {

  private GoValues() {}

  /** A value printed verbatim (already formatted). */
  public record Raw(String text) {}

  public static String of(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Raw r) {
      return r.text();
    }
    if (v instanceof String s) {
      return quote(s);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof JsonNode n) {
      return ofNode(n);
    }
    return v.toString();
  }

  private static String ofNode(JsonNode n) {
    if (n.isNull() || n.isMissingNode()) {
      return "null";
    }
    if (n.isString()) {
      return quote(n.asString());
    }
    if (n.isNumber() || n.isBoolean()) {
      return n.asString();
    }
    if (n.isObject() && allStrings(n)) {
      return stringMap(n);
    }
    if (n.isArray() && allStrings(n)) {
      List<String> items = new ArrayList<>();
      n.forEach(i -> items.add(quote(i.asString())));
      return "[]string{" + String.join(", ", items) + "}";
    }
    return n.toString();
  }

  /** Go's {@code %#v} of a {@code map[string]string}: keys sorted. */
  public static String stringMap(JsonNode n) {
    Map<String, String> sorted = new TreeMap<>();
    if (n != null && n.isObject()) {
      n.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asString()));
    }
    List<String> items = new ArrayList<>();
    sorted.forEach((k, v) -> items.add(quote(k) + ":" + quote(v)));
    return "map[string]string{" + String.join(", ", items) + "}";
  }

  /** Go's {@code %#v} of a {@code v1.LabelSelector}, as immutable-selector errors print it. */
  public static Raw labelSelector(JsonNode selector) {
    if (selector == null || !selector.isObject()) {
      return new Raw("null");
    }
    JsonNode labels = selector.get("matchLabels");
    String ml = labels == null || !labels.isObject() ? "map[string]string(nil)" : stringMap(labels);
    JsonNode exprs = selector.get("matchExpressions");
    String me;
    if (exprs == null || !exprs.isArray()) {
      me = "[]v1.LabelSelectorRequirement(nil)";
    } else {
      List<String> items = new ArrayList<>();
      for (JsonNode e : exprs) {
        List<String> values = new ArrayList<>();
        e.path("values").forEach(v -> values.add(quote(v.asString())));
        items.add("v1.LabelSelectorRequirement{Key:" + quote(e.path("key").asString()) + ", Operator:"
            + quote(e.path("operator").asString()) + ", Values:[]string{" + String.join(", ", values) + "}}");
      }
      me = "[]v1.LabelSelectorRequirement{" + String.join(", ", items) + "}";
    }
    return new Raw("v1.LabelSelector{MatchLabels:" + ml + ", MatchExpressions:" + me + "}");
  }

  private static boolean allStrings(JsonNode container) {
    for (JsonNode c : container) {
      if (!c.isString()) {
        return false;
      }
    }
    return true;
  }

  /** Go's {@code strconv.Quote} for the characters that occur in Kubernetes values. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
