package dev.kvx.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The JSONPath subset CRD printer columns use: field steps ({@code .a.b}, with {@code \.} escaping a
 * dot, or {@code ['a.b']}), array indexes ({@code [0]}, {@code [-1]} from the end) and {@code [*]},
 * which, as upstream keeps only the first result, reads the first element. An optional {@code {}}
 * wrapper and leading {@code $} are accepted.
 */
final class SimpleJsonPath {

  private sealed interface Step permits Field, Index {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private final List<Step> steps;

  private SimpleJsonPath(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses a path; throws IllegalArgumentException for anything outside the subset. */
  static SimpleJsonPath parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1).trim();
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        StringBuilder name = new StringBuilder();
        i++;
        while (i < p.length() && p.charAt(i) != '.' && p.charAt(i) != '[') {
          if (p.charAt(i) == '\\' && i + 1 < p.length()) {
            i++;
          }
          name.append(p.charAt(i++));
        }
        if (name.length() > 0) {
          steps.add(new Field(name.toString()));
        }
      } else if (c == '[') {
        int close = p.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("unclosed [ in JSONPath " + path);
        }
        String inside = p.substring(i + 1, close).trim();
        if ((inside.startsWith("'") && inside.endsWith("'"))
            || (inside.startsWith("\"") && inside.endsWith("\""))) {
          steps.add(new Field(inside.substring(1, inside.length() - 1)));
        } else if (inside.equals("*")) {
          steps.add(new Index(0));
        } else {
          try {
            steps.add(new Index(Integer.parseInt(inside)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unsupported JSONPath step [" + inside + "] in " + path);
          }
        }
        i = close + 1;
      } else {
        throw new IllegalArgumentException("JSONPath must start with '.': " + path);
      }
    }
    return new SimpleJsonPath(List.copyOf(steps));
  }

  /** The value the path selects, or null when it selects nothing (or JSON null). */
  JsonNode find(JsonNode root) {
    JsonNode n = root;
    for (Step s : steps) {
      if (n == null) {
        return null;
      }
      if (s instanceof Field f) {
        n = n.isObject() ? n.get(f.name()) : null;
      } else if (s instanceof Index ix) {
        if (!n.isArray()) {
          return null;
        }
        int index = ix.index() < 0 ? n.size() + ix.index() : ix.index();
        n = index >= 0 && index < n.size() ? n.get(index) : null;
      }
    }
    return n == null || n.isNull() || n.isMissingNode() ? null : n;
  }
}
