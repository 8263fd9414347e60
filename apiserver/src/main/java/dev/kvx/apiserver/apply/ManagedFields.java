package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.managedFields}: who owns which fields of an object, one entry per manager and
 * operation ({@code Apply}, or {@code Update} per API version), each with its FieldsV1 set. This
 * class decodes and encodes the entries as kube-apiserver does (entries sorted by operation, time,
 * manager, API version, subresource) and records the fields a non-apply write (create, update,
 * patch) sets for its manager, as the field manager's {@code Update}.
 *
 * <p>Pure functions; objects passed in are not modified.
 */
public final class ManagedFields {

  public static final String APPLY = "Apply";
  public static final String UPDATE = "Update";
  public static final String FIELDS_V1 = "FieldsV1";

  /** The manager that owns what an object had before its first apply, as upstream names it. */
  public static final String BEFORE_FIRST_APPLY = "before-first-apply";

  /** Paths no manager owns: identity and server-set metadata (upstream's stripMetaManager). */
  static final FieldSet STRIPPED = FieldSet.of(List.of(
      List.of("f:apiVersion"), List.of("f:kind"), List.of("f:metadata"),
      List.of("f:metadata", "f:name"), List.of("f:metadata", "f:namespace"),
      List.of("f:metadata", "f:creationTimestamp"), List.of("f:metadata", "f:selfLink"),
      List.of("f:metadata", "f:uid"), List.of("f:metadata", "f:clusterName"),
      List.of("f:metadata", "f:generation"), List.of("f:metadata", "f:managedFields"),
      List.of("f:metadata", "f:resourceVersion")));

  private ManagedFields() {}

  /**
   * One managedFields entry.
   *
   * @param time RFC 3339 seconds, or null when unknown
   * @param subresource e.g. {@code status}; null for the main resource
   */
  public record Entry(String manager, String operation, String apiVersion, String time, String subresource,
      FieldSet fields) {

    /**
     * The identity of an entry, as upstream's BuildManagerIdentifier: updates through different API
     * versions are different entries, an applier is one entry whatever version it applies with.
     */
    public String id() {
      return id(manager, operation, APPLY.equals(operation) ? null : apiVersion, subresource);
    }

    static String id(String manager, String operation, String apiVersion, String subresource) {
      return manager + "\u0000" + operation + "\u0000" + Objects.toString(apiVersion, "") + "\u0000"
          + Objects.toString(subresource, "");
    }

    Entry withFields(FieldSet f) {
      return new Entry(manager, operation, apiVersion, time, subresource, f);
    }

    Entry withTime(String t) {
      return new Entry(manager, operation, apiVersion, t, subresource, fields);
    }

    ObjectNode toJson() {
      ObjectNode o = Json.object();
      o.put("manager", manager);
      o.put("operation", operation);
      o.put("apiVersion", apiVersion);
      if (time != null) {
        o.put("time", time);
      }
      o.put("fieldsType", FIELDS_V1);
      o.set("fieldsV1", fields.toFieldsV1());
      if (subresource != null && !subresource.isEmpty()) {
        o.put("subresource", subresource);
      }
      return o;
    }
  }

  /** The entries of an object by {@link Entry#id()}; empty when it has none. */
  public static Optional<Map<String, Entry>> decode(JsonNode obj) {
    JsonNode list = obj == null ? null : obj.path("metadata").get("managedFields");
    Map<String, Entry> out = new LinkedHashMap<>();
    if (list == null || list.isNull()) {
      return Optional.of(out);
    }
    if (!list.isArray()) {
      return Optional.empty();
    }
    for (JsonNode e : list) {
      Entry entry = decodeEntry(e);
      if (entry == null) {
        return Optional.empty();
      }
      Entry previous = out.get(entry.id());
      out.put(entry.id(), previous == null ? entry : entry.withFields(previous.fields().union(entry.fields())));
    }
    return Optional.of(out);
  }

  private static Entry decodeEntry(JsonNode e) {
    if (!e.isObject()) {
      return null;
    }
    String op = Json.text(e, "operation");
    if (!APPLY.equals(op) && !UPDATE.equals(op)) {
      return null;
    }
    String type = Json.text(e, "fieldsType");
    if (type != null && !type.isEmpty() && !FIELDS_V1.equals(type)) {
      return null;
    }
    String time = Json.text(e, "time");
    if (time != null) {
      try {
        Instant.parse(time);
      } catch (DateTimeParseException ex) {
        return null;
      }
    }
    FieldSet fields;
    try {
      JsonNode f = e.get("fieldsV1");
      fields = f == null || f.isNull() ? new FieldSet() : FieldSet.fromFieldsV1(f);
    } catch (IllegalArgumentException ex) {
      return null;
    }
    String sub = Json.text(e, "subresource");
    return new Entry(Objects.toString(Json.text(e, "manager"), ""), op, Json.text(e, "apiVersion"), time,
        sub == null || sub.isEmpty() ? null : sub, fields);
  }

  /** The entries as stored, in upstream's order; empty sets are dropped. */
  public static ArrayNode encode(Map<String, Entry> entries) {
    List<Entry> sorted = new ArrayList<>();
    entries.values().forEach(e -> {
      if (!e.fields().isEmpty()) {
        sorted.add(e);
      }
    });
    sorted.sort(Comparator.comparing(Entry::operation)
        .thenComparingLong(e -> e.time() == null ? 0 : Instant.parse(e.time()).getEpochSecond())
        .thenComparing(Entry::manager)
        .thenComparing(e -> Objects.toString(e.apiVersion(), ""))
        .thenComparing(e -> Objects.toString(e.subresource(), "")));
    ArrayNode out = Json.array();
    sorted.forEach(e -> out.add(e.toJson()));
    return out;
  }

  /** A copy of {@code obj} carrying {@code entries} (no managedFields when there are none). */
  static ObjectNode withEntries(ObjectNode obj, Map<String, Entry> entries) {
    ObjectNode out = obj.deepCopy();
    ArrayNode list = encode(entries);
    ObjectNode meta = Json.with(out, "metadata");
    if (list.isEmpty()) {
      meta.remove("managedFields");
    } else {
      meta.set("managedFields", list);
    }
    return out;
  }

  /** A copy of {@code obj} without managedFields (null stays null). */
  static ObjectNode stripped(ObjectNode obj) {
    if (obj == null) {
      return null;
    }
    ObjectNode out = obj.deepCopy();
    JsonNode meta = out.get("metadata");
    if (meta instanceof ObjectNode m) {
      m.remove("managedFields");
    }
    return out;
  }

  /**
   * Upstream's IgnoreManagedFieldsTimestampsTransformer: when a write changes nothing but the times
   * of managedFields entries (an apply whose defaults come back, an update that is undone by the
   * strategy), {@code next} gets {@code current}'s managedFields back, so the write is a no-op and
   * no resourceVersion is spent. Call it last, right before deciding whether to store.
   */
  public static ObjectNode ignoreTimestampOnlyChanges(ObjectNode current, ObjectNode next) {
    JsonNode a = current.path("metadata").get("managedFields");
    JsonNode b = next.path("metadata").get("managedFields");
    if (a == null || b == null || !a.isArray() || !b.isArray() || a.size() != b.size() || a.equals(b)) {
      return next;
    }
    if (!withoutTimes(a).equals(withoutTimes(b)) || !stripped(current).equals(stripped(next))) {
      return next;
    }
    ObjectNode out = next.deepCopy();
    ((ObjectNode) out.get("metadata")).set("managedFields", a.deepCopy());
    return out;
  }

  private static JsonNode withoutTimes(JsonNode entries) {
    ArrayNode out = Json.array();
    for (JsonNode e : entries) {
      JsonNode c = e.deepCopy();
      if (c instanceof ObjectNode o) {
        o.remove("time");
      }
      out.add(c);
    }
    return out;
  }

  static String timestamp(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * Records a create, update or non-apply patch of the main resource by {@code manager}, without
   * schema information. See {@link #recordUpdate(ObjectNode, ObjectNode, String, String, String,
   * Instant, PatchMeta, FieldSet)}.
   */
  public static ObjectNode recordUpdate(ObjectNode before, ObjectNode after, String manager, String apiVersion,
      Instant time) {
    return recordUpdate(before, after, manager, apiVersion, null, time, PatchMeta.NONE, new FieldSet());
  }

  /**
   * Records a create, update or non-apply patch, as the field manager's {@code Update}: the manager
   * gains the fields the write added or changed (taking them from their previous owners) and every
   * manager loses the fields it removed. Call it with the object as it will be stored (after
   * defaulting), before validation.
   *
   * <p>The managed fields start from those {@code after} carries when it has any (a client may
   * replace them, which is how kubectl moves client-side apply ownership to server-side apply),
   * else from {@code before}'s; a subresource write always starts from {@code before}'s. As
   * upstream, an existing object without managed fields is not tracked by updates.
   *
   * @param before the stored object, or null on create
   * @param after the object to store
   * @param apiVersion the API version of the request, e.g. {@code apps/v1}
   * @param subresource e.g. {@code status}, or null for the main resource
   * @param reset fields this write cannot set and nobody owns through it (e.g. {@code f:status} for
   *     the main resource of a kind with a status subresource)
   * @return a copy of {@code after} with its managedFields
   */
  public static ObjectNode recordUpdate(ObjectNode before, ObjectNode after, String manager, String apiVersion,
      String subresource, Instant time, PatchMeta meta, FieldSet reset) {
    Map<String, Entry> managed = null;
    if (subresource == null) {
      managed = decode(after).filter(m -> !m.isEmpty()).orElse(null);
    }
    if (managed == null) {
      managed = decode(before).orElse(new LinkedHashMap<>());
    }
    ObjectNode old = stripped(before);
    ObjectNode next = stripped(after);
    if (old != null && managed.isEmpty()) {
      return next; // created before field tracking: updates do not start it
    }
    managed = update(old == null ? Json.object() : old, next, managed, manager, UPDATE, apiVersion, subresource,
        timestamp(time), meta, reset);
    return withEntries(next, managed);
  }

  /**
   * The Update bookkeeping shared with apply's first step: other managers lose what this write
   * changes or removes, this manager gains what it adds or changes, and its time moves only when
   * it gained something.
   */
  static Map<String, Entry> update(ObjectNode old, ObjectNode next, Map<String, Entry> managed, String manager,
      String operation, String apiVersion, String subresource, String time, PatchMeta meta, FieldSet reset) {
    Typed.Comparison c = Typed.compare(old, next, meta).without(reset);
    FieldSet changed = c.changed();
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Entry e : managed.values()) {
      FieldSet remaining = e.fields().difference(changed).difference(c.removed());
      if (!remaining.isEmpty()) {
        out.put(e.id(), e.withFields(remaining));
      }
    }
    FieldSet gained = changed.difference(STRIPPED);
    if (!gained.isEmpty()) {
      String id = Entry.id(manager, operation, APPLY.equals(operation) ? null : apiVersion, subresource);
      Entry previous = out.get(id);
      FieldSet fields = previous == null ? gained : previous.fields().union(gained);
      out.put(id, new Entry(manager, operation, apiVersion, time, subresource, fields));
    }
    return out;
  }
}
