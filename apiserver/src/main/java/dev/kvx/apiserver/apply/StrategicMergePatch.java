package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a strategic merge patch ({@code application/strategic-merge-patch+json}) as
 * k8s.io/apimachinery's {@code strategicpatch.StrategicMergeMapPatch} does on the server: maps merge
 * key by key and {@code null} deletes; lists with the {@code merge} strategy merge by their merge
 * key (lists of scalars as sets), other lists are replaced; the directives {@code $patch:
 * replace|delete} (on a map or a list item), {@code $retainKeys}, {@code $setElementOrder/<list>}
 * and {@code $deleteFromPrimitiveList/<list>} are honoured, and none of them is left in the
 * result. Order of merged lists follows upstream: items of the patch in patch order, the others in
 * their original order, interleaved by their original positions.
 *
 * <p>Pure: the arguments are not modified. Malformed patches are a 400 as upstream.
 */
public final class StrategicMergePatch {

  static final String DIRECTIVE = "$patch";
  static final String RETAIN_KEYS = "$retainKeys";
  static final String SET_ELEMENT_ORDER = "$setElementOrder";
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

  private StrategicMergePatch() {}

  /**
   * The result of applying {@code patch} to {@code original}.
   *
   * @param meta the schema of the object (merge keys and strategies); {@link PatchMeta#NONE} for
   *     none, which makes this a JSON merge patch that also understands the directives
   * @throws StatusException 400 BadRequest for a patch that is not an object or is malformed
   */
  public static ObjectNode apply(ObjectNode original, JsonNode patch, PatchMeta meta) {
    if (patch == null || !patch.isObject()) {
      throw Statuses.badRequest("invalid JSON document");
    }
    ObjectNode o = original == null ? Json.object() : original.deepCopy();
    return mergeMap(o, (ObjectNode) patch.deepCopy(), meta);
  }

  // ---- maps ----

  private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchMeta meta) {
    JsonNode directive = patch.get(DIRECTIVE);
    if (directive != null) {
      return mapDirective(directive, patch);
    }
    if (original == null) {
      original = Json.object();
    }
    applyRetainKeys(original, patch);
    mergeSetElementOrder(original, patch, meta);
    for (Map.Entry<String, JsonNode> e : new ArrayList<>(patch.properties())) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      boolean deleteList = false;
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        key = extractKey(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list");
        deleteList = true;
      } else if (key.startsWith("$")) {
        continue; // directives were handled above; unknown ones carry no data
      }
      if (value.isNull()) {
        original.remove(key);
        continue;
      }
      JsonNode current = original.get(key);
      if (current == null || kind(current) != kind(value)) {
        if (!deleteList) {
          setOrRemove(original, key, clean(value));
        }
        continue;
      }
      PatchMeta sub = meta.field(key);
      if (value.isObject()) {
        original.set(key, sub.replaces()
            ? clean(value)
            : mergeMap((ObjectNode) current, (ObjectNode) value, sub));
      } else if (value.isArray()) {
        original.set(key, mergeSliceHandler((ArrayNode) current, (ArrayNode) value, sub, deleteList));
      } else {
        original.set(key, value);
      }
    }
    return original;
  }

  private static ObjectNode mapDirective(JsonNode directive, ObjectNode patch) {
    String d = directive.isString() ? directive.asString() : directive.toString();
    if (d.equals("replace")) {
      patch.remove(DIRECTIVE);
      JsonNode cleaned = clean(patch);
      return cleaned == null ? Json.object() : (ObjectNode) cleaned;
    }
    if (d.equals("delete")) {
      return Json.object();
    }
    throw Statuses.badRequest("unknown patch type: " + d + " in map: " + Json.string(patch));
  }

  /** {@code $retainKeys}: keys of the original missing from the list are cleared. */
  private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retain = patch.remove(RETAIN_KEYS);
    if (retain == null) {
      return;
    }
    if (!retain.isArray()) {
      throw Statuses.badRequest("invalid patch format of retainKeys");
    }
    Set<String> keep = new HashSet<>();
    retain.forEach(k -> keep.add(k.asString()));
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String k = e.getKey();
      if (e.getValue().isNull() || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)
          || k.equals(DIRECTIVE)) {
        continue;
      }
      if (!keep.contains(k)) {
        throw Statuses.badRequest("patch content doesn't match retainKeys list");
      }
    }
    List<String> drop = new ArrayList<>();
    original.propertyNames().forEach(k -> {
      if (!keep.contains(k)) {
        drop.add(k);
      }
    });
    drop.forEach(original::remove);
  }

  /**
   * {@code $setElementOrder/<list>}: merges the list it names (if the patch has it) and orders the
   * result by the directive, items the directive does not name keeping their live positions.
   */
  private static void mergeSetElementOrder(ObjectNode original, ObjectNode patch, PatchMeta meta) {
    for (String key : new ArrayList<>(patch.propertyNames())) {
      if (!key.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      JsonNode order = patch.remove(key);
      if (!order.isArray()) {
        throw Statuses.badRequest("invalid patch format of setElementOrder list");
      }
      String listKey = extractKey(key, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
      JsonNode originalList = original.get(listKey);
      JsonNode patchList = patch.get(listKey);
      if (originalList != null && !originalList.isArray() || patchList != null && !patchList.isArray()) {
        throw Statuses.badRequest("invalid patch format of setElementOrder list");
      }
      PatchMeta sub = meta.field(listKey);
      String mergeKey = sub.patchMergeKey();
      validateOrder((ArrayNode) patchList, (ArrayNode) order, mergeKey);
      ArrayNode merged;
      if (originalList != null && patchList == null) {
        merged = (ArrayNode) originalList;
      } else if (originalList == null && patchList != null) {
        merged = (ArrayNode) patchList;
      } else if (originalList != null) {
        merged = mergeSliceHandler((ArrayNode) originalList, (ArrayNode) patchList, sub, false);
      } else {
        continue;
      }
      List<JsonNode> items = elements(merged);
      List<JsonNode> ordered;
      if (items.isEmpty()) {
        ordered = items;
      } else {
        boolean maps = items.get(0).isObject();
        List<JsonNode> inOrder = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : items) {
          (indexOf(elements((ArrayNode) order), item, maps ? mergeKey : null) >= 0 ? inOrder : serverOnly).add(item);
        }
        List<JsonNode> live = originalList == null ? List.of() : elements((ArrayNode) originalList);
        ordered = normalizeElementOrder(inOrder, serverOnly, elements((ArrayNode) order), live, maps ? mergeKey : null);
      }
      JsonNode cleaned = clean(toArray(ordered));
      setOrRemove(original, listKey, cleaned);
      patch.remove(listKey);
    }
  }

  /** The patch list's items must appear in the directive's order (deletions aside). */
  private static void validateOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
    if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
      return;
    }
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode item : patchList) {
      boolean delete = item.isObject() && "delete".equals(Json.text(item, DIRECTIVE));
      if (mergeKey == null || !delete) {
        kept.add(item);
      }
    }
    int p = 0;
    int o = 0;
    while (p < kept.size() && o < order.size()) {
      JsonNode item = kept.get(p);
      if (item.isObject() && item.has(DIRECTIVE)) {
        p++;
        continue;
      }
      if (sameItem(item, order.get(o), mergeKey)) {
        p++;
      }
      o++;
    }
    if (p < kept.size()) {
      throw Statuses.badRequest("The order in patch list:\n" + patchList + "\n doesn't match "
          + SET_ELEMENT_ORDER + " list:\n" + order + "\n");
    }
  }

  // ---- lists ----

  private static ArrayNode mergeSliceHandler(ArrayNode original, ArrayNode patch, PatchMeta meta, boolean deleteList) {
    if (!meta.mergesList()) {
      JsonNode cleaned = clean(patch);
      return cleaned == null ? Json.array() : (ArrayNode) cleaned;
    }
    return mergeSlice(original, patch, meta.items(), meta.patchMergeKey(), deleteList);
  }

  private static ArrayNode mergeSlice(ArrayNode originalNode, ArrayNode patchNode, PatchMeta itemMeta,
      String listMergeKey, boolean deleteList) {
    String mergeKey = listMergeKey;
    List<JsonNode> original = elements(originalNode);
    List<JsonNode> patch = elements(patchNode);
    if (original.isEmpty() && patch.isEmpty()) {
      return originalNode;
    }
    Kind kind = elementKind(original, patch);
    List<JsonNode> merged;
    if (kind != Kind.OBJECT) {
      if (deleteList) {
        return toArray(deleteFrom(original, patch));
      }
      merged = new ArrayList<>();
      for (JsonNode v : concat(original, patch)) {
        if (indexOf(merged, v, null) < 0) {
          merged.add(v);
        }
      }
      mergeKey = null;
    } else {
      if (mergeKey == null) {
        throw Statuses.badRequest("cannot merge lists without merge key for type map");
      }
      List<JsonNode> plain = new ArrayList<>();
      boolean replace = false;
      for (JsonNode v : patch) {
        JsonNode directive = v.get(DIRECTIVE);
        if (directive == null) {
          plain.add(v);
          continue;
        }
        switch (directive.asString()) {
          case "delete" -> {
            JsonNode key = v.get(mergeKey);
            if (key == null) {
              throw noMergeKey(v, mergeKey);
            }
            // One directive removes one entry, so duplicates go one by one, as current upstream.
            int at = indexOf(original, v, listMergeKey);
            if (at >= 0) {
              original.remove(at);
            }
          }
          case "replace" -> replace = true;
          case "merge" -> throw Statuses.badRequest("merging lists cannot yet be specified in the patch");
          default -> throw Statuses.badRequest("unknown patch type: " + directive.asString() + " in map: " + v);
        }
      }
      if (replace) {
        original = new ArrayList<>();
        for (JsonNode v : plain) {
          JsonNode c = clean(v);
          if (c != null) {
            original.add(c);
          }
        }
        patch = List.of();
      } else {
        patch = plain;
      }
      merged = new ArrayList<>(original);
      for (JsonNode v : patch) {
        JsonNode key = v.get(mergeKey);
        if (key == null) {
          throw noMergeKey(v, mergeKey);
        }
        int at = indexOf(merged, v, mergeKey);
        if (at >= 0) {
          merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) v, itemMeta));
        } else {
          JsonNode added = clean(v);
          if (added != null) {
            merged.add(added);
          }
        }
      }
    }
    List<JsonNode> inPatch = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      (indexOf(patch, item, mergeKey) >= 0 ? inPatch : serverOnly).add(item);
    }
    return toArray(normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey));
  }

  /**
   * Sorts the patch's items by the patch order and the live-only items by the live order, then
   * interleaves them: a live-only item goes before the first patch item that follows it live.
   */
  private static List<JsonNode> normalizeElementOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
      List<JsonNode> patchOrder, List<JsonNode> serverOrder, String mergeKey) {
    List<JsonNode> p = sortBy(patchItems, patchOrder, mergeKey);
    List<JsonNode> s = sortBy(serverOnly, serverOrder, mergeKey);
    List<JsonNode> out = new ArrayList<>(p.size() + s.size());
    int i = 0;
    int j = 0;
    while (i < s.size() || j < p.size()) {
      if (i >= s.size()) {
        out.add(p.get(j++));
      } else if (j >= p.size()) {
        out.add(s.get(i++));
      } else {
        int li = indexOf(serverOrder, s.get(i), mergeKey);
        int ri = indexOf(serverOrder, p.get(j), mergeKey);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.add(s.get(i++));
        } else {
          out.add(p.get(j++));
        }
      }
    }
    return out;
  }

  /** A stable sort by position in {@code order}; deletion directives go last, as upstream. */
  private static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
    List<JsonNode> keep = new ArrayList<>();
    List<JsonNode> deletes = new ArrayList<>();
    for (JsonNode item : items) {
      if (mergeKey != null && item.isObject() && "delete".equals(Json.text(item, DIRECTIVE))) {
        deletes.add(item);
      } else {
        keep.add(item);
      }
    }
    keep.sort(Comparator.comparingInt(item -> {
      int at = indexOf(order, item, mergeKey);
      return at < 0 ? Integer.MAX_VALUE : at;
    }));
    keep.addAll(deletes);
    return keep;
  }

  private static List<JsonNode> deleteFrom(List<JsonNode> current, List<JsonNode> toDelete) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode v : current) {
      if (indexOf(toDelete, v, null) < 0) {
        out.add(v);
      }
    }
    return out;
  }

  // ---- helpers ----

  enum Kind { OBJECT, ARRAY, SCALAR }

  static Kind kind(JsonNode n) {
    return n.isObject() ? Kind.OBJECT : n.isArray() ? Kind.ARRAY : Kind.SCALAR;
  }

  private static Kind elementKind(List<JsonNode> a, List<JsonNode> b) {
    Kind k = null;
    for (JsonNode n : concat(a, b)) {
      Kind nk = kind(n);
      if (nk == Kind.ARRAY) {
        throw Statuses.badRequest("lists of lists are not supported");
      }
      if (k != null && k != nk) {
        throw Statuses.badRequest("list element types are not identical: " + a + " " + b);
      }
      k = nk;
    }
    return k == null ? Kind.SCALAR : k;
  }

  /** Index of {@code item} in {@code list}: by merge key value for maps, by value for scalars. */
  private static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
    for (int i = 0; i < list.size(); i++) {
      if (sameItem(list.get(i), item, mergeKey)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean sameItem(JsonNode a, JsonNode b, String mergeKey) {
    if (mergeKey == null) {
      return same(a, b);
    }
    if (!a.isObject() || !b.isObject()) {
      return false;
    }
    JsonNode ka = a.get(mergeKey);
    JsonNode kb = b.get(mergeKey);
    return ka != null && kb != null && same(ka, kb);
  }

  /** JSON equality with numbers compared by value (Go decodes every number as a float64). */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  private static List<JsonNode> elements(ArrayNode a) {
    List<JsonNode> out = new ArrayList<>(a == null ? 0 : a.size());
    if (a != null) {
      a.forEach(out::add);
    }
    return out;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static ArrayNode toArray(List<JsonNode> items) {
    ArrayNode a = Json.array();
    items.forEach(a::add);
    return a;
  }

  private static String extractKey(String key, String prefix, String error) {
    int slash = key.indexOf('/');
    if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
      throw Statuses.badRequest(error);
    }
    return key.substring(slash + 1);
  }

  private static StatusException noMergeKey(JsonNode item, String mergeKey) {
    return Statuses.badRequest("map: " + item + " does not contain declared merge key: " + mergeKey);
  }

  private static void setOrRemove(ObjectNode target, String key, JsonNode value) {
    if (value == null) {
      target.remove(key);
    } else {
      target.set(key, value);
    }
  }

  /**
   * A patch value as it may be stored: nulls dropped (a null means "delete", and there is nothing
   * to delete in a new value) and directives removed; null when the value itself is a directive.
   */
  static JsonNode clean(JsonNode value) {
    if (value.isObject()) {
      if (value.has(DIRECTIVE)) {
        return null;
      }
      ObjectNode o = (ObjectNode) value;
      for (Map.Entry<String, JsonNode> e : new ArrayList<>(o.properties())) {
        JsonNode v = e.getValue();
        JsonNode c = e.getKey().startsWith("$") || v.isNull() ? null : clean(v);
        if (c == null) {
          o.remove(e.getKey());
        } else if (c != v) {
          o.set(e.getKey(), c);
        }
      }
      return o;
    }
    if (value.isArray()) {
      ArrayNode out = Json.array();
      for (JsonNode v : value) {
        JsonNode c = v.isNull() ? v : clean(v);
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    }
    return value;
  }
}
