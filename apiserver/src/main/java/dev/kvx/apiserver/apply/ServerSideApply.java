package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.apply.ManagedFields.Entry;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply ({@code application/apply-patch+yaml}), as kube-apiserver's field manager: the
 * applied configuration is merged into the live object; fields another manager owns and this apply
 * changes are conflicts (a 409, unless forced, which takes them over); the applier then owns exactly
 * the fields of its configuration, and fields it applied before, no longer applies and nobody else
 * owns are removed. The decorations of upstream's default field manager are here too: an object
 * without managed fields is first attributed to {@code before-first-apply}, and for the manager
 * {@code kubectl} conflicts with values unchanged since the last client-side apply are allowed and
 * the {@code kubectl.kubernetes.io/last-applied-configuration} annotation is kept in step.
 *
 * <p>Pure; the arguments are not modified.
 */
public final class ServerSideApply {

  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final String KUBECTL = "kubectl";

  private ServerSideApply() {}

  /**
   * Applies {@code applied} as {@code manager} on the main resource, with {@code status} ignored as
   * for kinds with a status subresource. See {@link #apply(ObjectNode, ObjectNode, String, boolean,
   * PatchMeta, String, FieldSet, Instant)}.
   */
  public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force, PatchMeta meta) {
    return apply(live, applied, manager, force, meta, null, FieldSet.of(List.of(List.of("f:status"))),
        Instant.now());
  }

  /**
   * The object after applying {@code applied}, with its managedFields.
   *
   * @param live the stored object, or null when the apply creates it
   * @param applied the configuration (its nulls mean nothing; it must not carry managedFields)
   * @param subresource e.g. {@code status}, or null
   * @param reset fields this apply cannot set (e.g. {@code f:status} on the main resource)
   * @return the new object; equal to {@code live} when the apply changes nothing
   * @throws StatusException 409 Conflict ({@code FieldManagerConflict} causes) when not forced and
   *     another manager owns a field this apply changes; 400 for a malformed configuration
   */
  public static ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force, PatchMeta meta,
      String subresource, FieldSet reset, Instant now) {
    JsonNode mf = applied.path("metadata").get("managedFields");
    if (mf != null && !mf.isNull()) {
      throw Statuses.badRequest("metadata.managedFields must be nil");
    }
    ObjectNode config = (ObjectNode) withoutNulls(applied);
    String apiVersion = Json.text(config, "apiVersion");
    if (Json.text(config, "kind") == null) {
      throw Statuses.badRequest("Object 'Kind' is missing in '" + Json.string(applied) + "'");
    }
    if (apiVersion == null) {
      throw Statuses.badRequest("Object 'apiVersion' is missing in '" + Json.string(applied) + "'");
    }
    ObjectNode liveObj = live == null ? Json.object() : ManagedFields.stripped(live);
    Map<String, Entry> managed = ManagedFields.decode(live)
        .orElseThrow(() -> Statuses.internalError("failed to decode managed fields"));
    String time = ManagedFields.timestamp(now);
    if (live != null && managed.isEmpty()) {
      // Upstream's skipNonAppliedManager: what the object holds belongs to somebody.
      managed = ManagedFields.update(Json.object(), liveObj, managed, ManagedFields.BEFORE_FIRST_APPLY,
          ManagedFields.UPDATE, Json.text(live, "apiVersion"), null, time, meta, reset);
    }
    ObjectNode result;
    try {
      result = applyOnce(liveObj, config, managed, manager, force, meta, subresource, reset, time);
    } catch (Conflicts c) {
      if (!KUBECTL.equals(manager) || force) {
        throw c.status();
      }
      FieldSet allowed = allowedByLastApplied(liveObj, meta);
      if (!c.all().difference(allowed).isEmpty()) {
        throw c.without(allowed).status();
      }
      result = applyOnce(liveObj, config, managed, manager, true, meta, subresource, reset, time);
    }
    if (KUBECTL.equals(manager) && live != null && Json.text(live, "metadata", "annotations", LAST_APPLIED) != null) {
      ObjectNode last = applied.deepCopy();
      JsonNode ann = last.path("metadata").get("annotations");
      if (ann instanceof ObjectNode a) {
        a.remove(LAST_APPLIED);
      }
      Json.with(Json.with(result, "metadata"), "annotations").put(LAST_APPLIED, Json.string(last));
    }
    return result;
  }

  private static ObjectNode applyOnce(ObjectNode live, ObjectNode config, Map<String, Entry> managedIn,
      String manager, boolean force, PatchMeta meta, String subresource, FieldSet reset, String time) {
    Map<String, Entry> managed = new LinkedHashMap<>(managedIn);
    String id = Entry.id(manager, ManagedFields.APPLY, null, subresource);
    Entry last = managed.get(id);
    FieldSet applied = Typed.toFieldSet(config, meta, true).recursiveDifference(reset)
        .difference(ManagedFields.STRIPPED);
    managed.put(id, new Entry(manager, ManagedFields.APPLY, Json.text(config, "apiVersion"),
        last == null ? null : last.time(), subresource, applied));

    ObjectNode merged = (ObjectNode) Typed.merge(live, config, meta);
    managed = settle(live, merged, managed, id, force, meta, reset);

    if (last != null && !last.fields().isEmpty()) {
      merged = prune(merged, managed, last.fields(), meta);
      managed = settle(live, merged, managed, id, force, meta, reset);
    }
    boolean changed = !Typed.compare(live, merged, meta).without(reset).isSame();
    Entry mine = managed.get(id);
    if (changed && mine != null) {
      managed.put(id, mine.withTime(time));
    }
    return ManagedFields.withEntries(changed ? merged : live, managed);
  }

  /** Upstream's {@code Updater.update}: conflicts of the other managers, and removed fields. */
  private static Map<String, Entry> settle(ObjectNode live, ObjectNode merged, Map<String, Entry> managed,
      String applier, boolean force, PatchMeta meta, FieldSet reset) {
    Typed.Comparison c = Typed.compare(live, merged, meta).without(reset);
    FieldSet changed = c.changed();
    Map<String, FieldSet> conflicts = new TreeMap<>();
    Map<String, Entry> byId = new LinkedHashMap<>();
    for (Entry e : managed.values()) {
      if (e.id().equals(applier)) {
        continue;
      }
      FieldSet clash = e.fields().intersection(changed);
      if (!clash.isEmpty()) {
        conflicts.put(e.id(), clash);
        byId.put(e.id(), e);
      }
    }
    if (!force && !conflicts.isEmpty()) {
      throw new Conflicts(conflicts, byId);
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    for (Entry e : managed.values()) {
      FieldSet f = e.id().equals(applier) ? e.fields() : e.fields().difference(changed).difference(c.removed());
      if (!f.isEmpty()) {
        out.put(e.id(), e.withFields(f));
      }
    }
    return out;
  }

  /**
   * Removes what the applier owned last time, does not apply now and nobody else owns (a struct
   * field counts as owned while any field below it is).
   */
  private static ObjectNode prune(ObjectNode merged, Map<String, Entry> managed, FieldSet lastSet, PatchMeta meta) {
    FieldSet owned = new FieldSet();
    managed.values().forEach(e -> owned.addAllFrom(e.fields()));
    FieldSet ownedEnsured = Typed.ensureNamedFieldsAreMembers(owned, meta);
    FieldSet lastEnsured = Typed.ensureNamedFieldsAreMembers(lastSet, meta);
    FieldSet remove = new FieldSet();
    lastEnsured.forEachMember(path -> {
      if (!ownedEnsured.has(path) && !owned.hasAnyAt(path)) {
        remove.insert(path);
      }
    });
    if (remove.isEmpty()) {
      return merged;
    }
    return (ObjectNode) Typed.removeItems(merged, remove, meta);
  }

  /**
   * Fields of the last client-side applied configuration whose value is still the live one: kubectl
   * may take them over from their client-side owners without a conflict.
   */
  private static FieldSet allowedByLastApplied(ObjectNode live, PatchMeta meta) {
    String text = Json.text(live, "metadata", "annotations", LAST_APPLIED);
    if (text == null || text.isEmpty()) {
      return new FieldSet();
    }
    JsonNode last;
    try {
      last = Json.parse(text);
    } catch (JacksonException e) {
      return new FieldSet();
    }
    if (!last.isObject()) {
      return new FieldSet();
    }
    JsonNode lastObj = withoutNulls(last);
    try {
      FieldSet lastSet = Typed.toFieldSet(lastObj, meta, false);
      return lastSet.difference(Typed.compare(lastObj, live, meta).modified());
    } catch (StatusException e) {
      return new FieldSet();
    }
  }

  /** A copy without null values: in an applied configuration they stand for nothing. */
  static JsonNode withoutNulls(JsonNode n) {
    if (n.isObject()) {
      ObjectNode out = Json.object();
      n.properties().forEach(e -> {
        if (!e.getValue().isNull()) {
          out.set(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return out;
    }
    if (n.isArray()) {
      var out = Json.array();
      n.forEach(v -> {
        if (!v.isNull()) {
          out.add(withoutNulls(v));
        }
      });
      return out;
    }
    return n;
  }

  /** Conflicting fields by manager entry, until they become a Status. */
  private static final class Conflicts extends RuntimeException {
    private final Map<String, FieldSet> byManager;
    private final Map<String, Entry> entries;

    Conflicts(Map<String, FieldSet> byManager, Map<String, Entry> entries) {
      super(null, null, false, false);
      this.byManager = byManager;
      this.entries = entries;
    }

    FieldSet all() {
      FieldSet out = new FieldSet();
      byManager.values().forEach(out::addAllFrom);
      return out;
    }

    Conflicts without(FieldSet allowed) {
      Map<String, FieldSet> left = new TreeMap<>();
      byManager.forEach((id, set) -> {
        FieldSet rest = set.difference(allowed);
        if (!rest.isEmpty()) {
          left.put(id, rest);
        }
      });
      return new Conflicts(left, entries);
    }

    StatusException status() {
      return ApplyConflicts.of(byManager, entries);
    }
  }
}
