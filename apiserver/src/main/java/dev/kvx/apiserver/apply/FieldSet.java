package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A set of field paths, as structured-merge-diff's {@code fieldpath.Set}: a trie whose edges are
 * path elements in their FieldsV1 spelling — {@code f:<field>}, {@code k:<key fields as JSON>} for
 * an item of a keyed list, {@code v:<value as JSON>} for an item of a set, {@code i:<index>} — and
 * whose nodes may be members themselves. It is what {@code metadata.managedFields[].fieldsV1}
 * serializes: a member with children is written with a {@code "."} entry.
 *
 * <p>Mutable and not thread-safe; the set operations return new sets.
 */
public final class FieldSet {

  /** structured-merge-diff's order: field names, then keys, then values, then indices. */
  static final Comparator<String> ORDER = Comparator.comparingInt(FieldSet::rank)
      .thenComparing((a, b) -> a.startsWith("i:") && b.startsWith("i:")
          ? Long.compare(Long.parseLong(a.substring(2)), Long.parseLong(b.substring(2)))
          : a.compareTo(b));

  private boolean member;
  private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

  public FieldSet() {}

  private static int rank(String pe) {
    return switch (pe.isEmpty() ? ' ' : pe.charAt(0)) {
      case 'f' -> 0;
      case 'k' -> 1;
      case 'v' -> 2;
      case 'i' -> 3;
      default -> 4;
    };
  }

  /** A set of the given paths. */
  public static FieldSet of(List<List<String>> paths) {
    FieldSet s = new FieldSet();
    paths.forEach(s::insert);
    return s;
  }

  /** Adds a path (and makes it a member). The empty path is ignored. */
  public FieldSet insert(List<String> path) {
    if (path.isEmpty()) {
      return this;
    }
    FieldSet node = this;
    for (String pe : path) {
      node = node.children.computeIfAbsent(pe, k -> new FieldSet());
    }
    node.member = true;
    return this;
  }

  /** Whether {@code path} is a member. */
  public boolean has(List<String> path) {
    FieldSet n = node(path);
    return n != null && n.member;
  }

  /** Whether {@code path} or anything below it is a member. */
  public boolean hasAnyAt(List<String> path) {
    FieldSet n = node(path);
    return n != null && !n.isEmpty();
  }

  FieldSet node(List<String> path) {
    FieldSet n = this;
    for (String pe : path) {
      n = n.children.get(pe);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** The subtree below one path element, or null. */
  public FieldSet child(String pathElement) {
    return children.get(pathElement);
  }

  boolean isMember() {
    return member;
  }

  void markMember() {
    member = true;
  }

  Map<String, FieldSet> children() {
    return children;
  }

  public boolean isEmpty() {
    if (member) {
      return false;
    }
    for (FieldSet c : children.values()) {
      if (!c.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  public FieldSet copy() {
    FieldSet out = new FieldSet();
    out.member = member;
    children.forEach((k, v) -> out.children.put(k, v.copy()));
    return out;
  }

  /** Paths in either set. */
  public FieldSet union(FieldSet other) {
    FieldSet out = copy();
    out.addAllFrom(other);
    return out;
  }

  /** Adds every path of {@code other} to this set. */
  public void addAllFrom(FieldSet other) {
    member |= other.member;
    other.children.forEach((k, v) -> children.computeIfAbsent(k, x -> new FieldSet()).addAllFrom(v));
  }

  /** Members of this set that are members of {@code other} too. */
  public FieldSet intersection(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && other.member;
    children.forEach((k, v) -> {
      FieldSet o = other.children.get(k);
      if (o != null) {
        FieldSet c = v.intersection(o);
        if (!c.isEmpty()) {
          out.children.put(k, c);
        }
      }
    });
    return out;
  }

  /** Members of this set that are not members of {@code other} (their children stay). */
  public FieldSet difference(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && !other.member;
    children.forEach((k, v) -> {
      FieldSet o = other.children.get(k);
      FieldSet c = o == null ? v.copy() : v.difference(o);
      if (!c.isEmpty()) {
        out.children.put(k, c);
      }
    });
    return out;
  }

  /** This set without the members of {@code other} and everything below them. */
  public FieldSet recursiveDifference(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && !other.member;
    children.forEach((k, v) -> {
      FieldSet o = other.children.get(k);
      if (o != null && o.member) {
        return;
      }
      FieldSet c = o == null ? v.copy() : v.recursiveDifference(o);
      if (!c.isEmpty()) {
        out.children.put(k, c);
      }
    });
    return out;
  }

  /** Every member path, members of a node before the paths below it, in path element order. */
  public void forEachMember(Consumer<List<String>> action) {
    walk(new ArrayList<>(), action);
  }

  private void walk(List<String> prefix, Consumer<List<String>> action) {
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      if (e.getValue().member) {
        prefix.add(e.getKey());
        action.accept(List.copyOf(prefix));
        prefix.remove(prefix.size() - 1);
      }
    }
    for (Map.Entry<String, FieldSet> e : children.entrySet()) {
      if (!e.getValue().children.isEmpty()) {
        prefix.add(e.getKey());
        e.getValue().walk(prefix, action);
        prefix.remove(prefix.size() - 1);
      }
    }
  }

  public List<List<String>> members() {
    List<List<String>> out = new ArrayList<>();
    forEachMember(out::add);
    return out;
  }

  // ---- FieldsV1 ----

  /** The FieldsV1 JSON of this set, e.g. {@code {"f:spec":{"f:replicas":{}}}}. */
  public ObjectNode toFieldsV1() {
    ObjectNode out = Json.object();
    if (member && !children.isEmpty()) {
      out.putObject(".");
    }
    children.forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.set(k, v.toFieldsV1());
      }
    });
    return out;
  }

  /**
   * Reads FieldsV1 JSON.
   *
   * @throws IllegalArgumentException when it is not an object of objects with path element keys
   */
  public static FieldSet fromFieldsV1(JsonNode fields) {
    FieldSet s = new FieldSet();
    s.read(fields);
    return s;
  }

  private void read(JsonNode fields) {
    if (fields == null || !fields.isObject()) {
      throw new IllegalArgumentException("FieldsV1 must be an object");
    }
    for (Map.Entry<String, JsonNode> e : fields.properties()) {
      String key = e.getKey();
      if (key.equals(".")) {
        member = true;
        continue;
      }
      if (key.length() < 3 || key.charAt(1) != ':' || rank(key) > 3) {
        throw new IllegalArgumentException("unknown path element " + key);
      }
      FieldSet child = children.computeIfAbsent(key, k -> new FieldSet());
      if (e.getValue().isObject() && e.getValue().isEmpty()) {
        child.member = true;
      } else {
        child.read(e.getValue());
      }
    }
  }

  // ---- human-readable paths ----

  /**
   * A path as upstream prints it in conflicts: {@code .spec.replicas},
   * {@code .spec.containers[name="nginx"].image}, {@code .metadata.finalizers[="x"]}.
   */
  public static String pathString(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String pe : path) {
      String body = pe.substring(2);
      switch (pe.charAt(0)) {
        case 'f' -> sb.append('.').append(body);
        case 'v' -> sb.append("[=").append(body).append(']');
        case 'i' -> sb.append('[').append(body).append(']');
        case 'k' -> {
          sb.append('[');
          boolean first = true;
          for (Map.Entry<String, JsonNode> f : Json.parse(body).properties()) {
            if (!first) {
              sb.append(',');
            }
            first = false;
            sb.append(f.getKey()).append('=').append(Json.string(f.getValue()));
          }
          sb.append(']');
        }
        default -> sb.append(pe);
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet other && toFieldsV1().equals(other.toFieldsV1());
  }

  @Override
  public int hashCode() {
    return toFieldsV1().hashCode();
  }

  @Override
  public String toString() {
    return Json.string(toFieldsV1());
  }
}
