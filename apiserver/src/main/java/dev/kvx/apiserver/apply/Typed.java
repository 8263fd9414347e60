package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The operations of structured-merge-diff's {@code typed} package over JSON objects and their
 * {@link PatchMeta}: the field set of a value, the comparison of two values, the merge of an
 * applied configuration into a live object, and the removal of fields. Maps are granular unless
 * atomic, lists are atomic, sets ({@code v:}) or keyed maps ({@code k:}) as their list type says,
 * and an empty or absent map or list counts as one leaf, so {@code {}} and absence differ.
 *
 * <p>Pure: inputs are not modified.
 */
public final class Typed {

  private Typed() {}

  /** The fields that changed between two values, as {@code TypedValue.Compare}. */
  public record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    public boolean isSame() {
      return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
    }

    /** Added or modified, what another owner of those fields conflicts with. */
    public FieldSet changed() {
      return added.union(modified);
    }

    /** The comparison without {@code fields} and anything below them. */
    public Comparison without(FieldSet fields) {
      return new Comparison(added.recursiveDifference(fields), modified.recursiveDifference(fields),
          removed.recursiveDifference(fields));
    }
  }

  // ---- field sets ----

  /**
   * The fields a value sets, as {@code TypedValue.ToFieldSet}: leaves, items of sets and keyed
   * lists, and keys of free-form maps; declared struct fields are owned through their leaves.
   *
   * @param strict whether an item of a keyed list without its key fields is a 400 (apply) or is
   *     tracked by its index (updates, which must never fail on account of field tracking)
   */
  public static FieldSet toFieldSet(JsonNode value, PatchMeta meta, boolean strict) {
    FieldSet set = new FieldSet();
    collect(value, meta, new ArrayList<>(), set, strict);
    return set;
  }

  private static void collect(JsonNode v, PatchMeta meta, List<String> path, FieldSet set, boolean strict) {
    if (v.isObject()) {
      if (meta.atomicObject()) {
        set.insert(path);
        return;
      }
      for (Map.Entry<String, JsonNode> e : v.properties()) {
        path.add("f:" + e.getKey());
        collect(e.getValue(), meta.field(e.getKey()), path, set, strict);
        // An empty struct (a volume's emptyDir: {}) has no leaves to be owned through: it is one.
        if (!meta.declares(e.getKey()) || (e.getValue().isObject() && e.getValue().isEmpty())) {
          set.insert(path);
        }
        path.remove(path.size() - 1);
      }
    } else if (v.isArray()) {
      if (meta.listType() == PatchMeta.ListType.ATOMIC) {
        set.insert(path);
        return;
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        path.add(pathElement(item, meta, i, path, strict));
        collect(item, meta.items(), path, set, strict);
        set.insert(path);
        path.remove(path.size() - 1);
      }
    } else {
      set.insert(path);
    }
  }

  /**
   * The path element of a list item: {@code k:{...}} with the key fields (defaults filled in) in
   * name order for keyed lists, {@code v:<json>} for sets, {@code i:<n>} otherwise.
   */
  static String pathElement(JsonNode item, PatchMeta list, int index, List<String> at, boolean strict) {
    switch (list.listType()) {
      case MAP -> {
        if (item.isObject()) {
          TreeMap<String, JsonNode> key = new TreeMap<>();
          PatchMeta itemMeta = list.items();
          for (String k : list.listMapKeys()) {
            JsonNode v = item.get(k);
            if (v == null || v.isNull()) {
              v = itemMeta.defaultOf(k);
            }
            if (v == null) {
              if (strict) {
                throw Statuses.badRequest(FieldSet.pathString(at) + ": element " + index + ": associative list with keys has an element that omits key field \""
                    + k + "\" (and doesn't have default value)");
              }
              return "i:" + index;
            }
            key.put(k, v);
          }
          ObjectNode o = Json.object();
          key.forEach(o::set);
          return "k:" + Json.string(o);
        }
        return "i:" + index;
      }
      case SET -> {
        return "v:" + Json.string(item);
      }
      default -> {
        return "i:" + index;
      }
    }
  }

  /** Whether a list's items are addressed by key or value (else by index, as atomic lists). */
  private static boolean associative(PatchMeta meta) {
    return meta.listType() != PatchMeta.ListType.ATOMIC;
  }

  /**
   * Named struct fields on the paths of {@code set} become members, as {@code
   * Set.EnsureNamedFieldsAreMembers}: owning {@code .spec.replicas} then also means owning
   * {@code .spec}, which keeps pruning from removing a struct someone still has fields in.
   */
  public static FieldSet ensureNamedFieldsAreMembers(FieldSet set, PatchMeta meta) {
    FieldSet out = set.copy();
    ensure(out, meta);
    return out;
  }

  private static void ensure(FieldSet node, PatchMeta meta) {
    for (Map.Entry<String, FieldSet> e : node.children().entrySet()) {
      String pe = e.getKey();
      PatchMeta sub;
      if (pe.startsWith("f:")) {
        String name = pe.substring(2);
        sub = meta.field(name);
        if (meta.declares(name)) {
          e.getValue().markMember();
        }
      } else {
        sub = meta.items();
      }
      ensure(e.getValue(), sub);
    }
  }

  // ---- compare ----

  /** The fields added, modified and removed from {@code lhs} to {@code rhs}. */
  public static Comparison compare(JsonNode lhs, JsonNode rhs, PatchMeta meta) {
    Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
    compare(lhs, rhs, meta, new ArrayList<>(), c);
    return c;
  }

  private static void compare(JsonNode l, JsonNode r, PatchMeta meta, List<String> path, Comparison c) {
    JsonNode shape = r != null ? r : l;
    boolean descended = false;
    if (shape.isObject() && (l == null || l.isObject()) && (r == null || r.isObject())) {
      boolean empty = (l == null || l.isEmpty()) && (r == null || r.isEmpty());
      if (meta.atomicObject() || empty) {
        leaf(l, r, path, c);
      } else {
        Set<String> keys = new java.util.LinkedHashSet<>();
        if (l != null) {
          keys.addAll(l.propertyNames());
        }
        if (r != null) {
          keys.addAll(r.propertyNames());
        }
        for (String k : keys) {
          JsonNode lv = l == null ? null : l.get(k);
          JsonNode rv = r == null ? null : r.get(k);
          path.add("f:" + k);
          compare(lv, rv, meta.field(k), path, c);
          path.remove(path.size() - 1);
        }
        descended = true;
      }
    } else if (shape.isArray() && (l == null || l.isArray()) && (r == null || r.isArray())) {
      boolean empty = (l == null || l.isEmpty()) && (r == null || r.isEmpty());
      if (!associative(meta) || empty) {
        leaf(l, r, path, c);
      } else {
        Map<String, JsonNode> left = index(l, meta, path);
        Map<String, JsonNode> right = index(r, meta, path);
        Set<String> all = new java.util.LinkedHashSet<>(left.keySet());
        all.addAll(right.keySet());
        for (String pe : all) {
          path.add(pe);
          compare(left.get(pe), right.get(pe), meta.items(), path, c);
          path.remove(path.size() - 1);
        }
        descended = true;
      }
    } else {
      leaf(l, r, path, c);
    }
    // A new or removed map, list or list item is a member itself; a struct field is not (upstream's
    // Go structs exist, empty, in every object, so adding one adds only its fields).
    boolean structField = shape.isObject() && meta.isStruct() && !path.isEmpty()
        && path.get(path.size() - 1).startsWith("f:");
    if (descended && !path.isEmpty() && !structField) {
      if (l == null) {
        c.added().insert(path);
      } else if (r == null) {
        c.removed().insert(path);
      }
    }
  }

  private static void leaf(JsonNode l, JsonNode r, List<String> path, Comparison c) {
    if (path.isEmpty()) {
      return;
    }
    if (l == null) {
      c.added().insert(path);
    } else if (r == null) {
      c.removed().insert(path);
    } else if (!deepSame(l, r)) {
      c.modified().insert(path);
    }
  }

  /** Items of an associative list by path element; a duplicate keeps the first. */
  private static Map<String, JsonNode> index(JsonNode list, PatchMeta meta, List<String> at) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        out.putIfAbsent(pathElement(list.get(i), meta, i, at, false), list.get(i));
      }
    }
    return out;
  }

  /** Deep JSON equality with numbers compared by value. */
  static boolean deepSame(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        JsonNode o = b.get(e.getKey());
        if (o == null || !deepSame(e.getValue(), o)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!deepSame(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  // ---- merge ----

  /**
   * An applied configuration merged into a live value: the configuration's values win, granular
   * maps merge key by key, keyed lists and sets merge item by item (live-only items keep their
   * place, the configuration orders the items it names), atomic values are replaced.
   */
  public static JsonNode merge(JsonNode live, JsonNode config, PatchMeta meta) {
    if (config == null) {
      return live == null ? null : live.deepCopy();
    }
    if (live == null) {
      return config.deepCopy();
    }
    if (live.isObject() && config.isObject()) {
      boolean empty = live.isEmpty() && config.isEmpty();
      if (meta.atomicObject() || empty) {
        return config.deepCopy();
      }
      ObjectNode out = (ObjectNode) live.deepCopy();
      for (Map.Entry<String, JsonNode> e : config.properties()) {
        out.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), meta.field(e.getKey())));
      }
      return out;
    }
    if (live.isArray() && config.isArray()) {
      if (!associative(meta) || (live.isEmpty() && config.isEmpty())) {
        return config.deepCopy();
      }
      return mergeList(live, config, meta);
    }
    return config.deepCopy();
  }

  /**
   * Walks the live items in order: a live-only item stays where it is; an item the configuration
   * names brings every not yet placed configuration item up to it, in configuration order.
   */
  private static ArrayNode mergeList(JsonNode live, JsonNode config, PatchMeta meta) {
    List<String> none = List.of();
    Map<String, JsonNode> cfg = new LinkedHashMap<>();
    for (int i = 0; i < config.size(); i++) {
      cfg.putIfAbsent(pathElement(config.get(i), meta, i, none, true), config.get(i));
    }
    Map<String, JsonNode> lv = new LinkedHashMap<>();
    for (int i = 0; i < live.size(); i++) {
      lv.putIfAbsent(pathElement(live.get(i), meta, i, none, false), live.get(i));
    }
    List<String> cfgOrder = new ArrayList<>(cfg.keySet());
    Set<String> placed = new HashSet<>();
    ArrayNode out = Json.array();
    int next = 0;
    for (Map.Entry<String, JsonNode> e : lv.entrySet()) {
      if (!cfg.containsKey(e.getKey())) {
        out.add(e.getValue().deepCopy());
        continue;
      }
      if (placed.contains(e.getKey())) {
        continue;
      }
      while (next < cfgOrder.size()) {
        String pe = cfgOrder.get(next++);
        if (placed.add(pe)) {
          out.add(merge(lv.get(pe), cfg.get(pe), meta.items()));
        }
        if (pe.equals(e.getKey())) {
          break;
        }
      }
    }
    for (; next < cfgOrder.size(); next++) {
      String pe = cfgOrder.get(next);
      if (placed.add(pe)) {
        out.add(merge(lv.get(pe), cfg.get(pe), meta.items()));
      }
    }
    return out;
  }

  // ---- removal ----

  /** {@code value} without the members of {@code set} (each with everything below it). */
  public static JsonNode removeItems(JsonNode value, FieldSet set, PatchMeta meta) {
    if (value == null || set.isEmpty()) {
      return value;
    }
    if (value.isObject()) {
      ObjectNode out = Json.object();
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        FieldSet child = set.child("f:" + e.getKey());
        if (child == null) {
          out.set(e.getKey(), e.getValue().deepCopy());
        } else if (!child.isMember()) {
          out.set(e.getKey(), removeItems(e.getValue(), child, meta.field(e.getKey())));
        }
      }
      return out;
    }
    if (value.isArray()) {
      ArrayNode out = Json.array();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        FieldSet child = set.child(pathElement(item, meta, i, List.of(), false));
        if (child == null) {
          out.add(item.deepCopy());
        } else if (!child.isMember()) {
          out.add(removeItems(item, child, meta.items()));
        }
      }
      return out;
    }
    return value;
  }
}
