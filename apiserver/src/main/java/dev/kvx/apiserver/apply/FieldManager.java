package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import java.time.Clock;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Field management of one resource type: its schema and the fields each kind of write cannot set
 * (status through the main resource of a kind with a status subresource; spec and metadata through
 * the status subresource). Wraps {@link ManagedFields#recordUpdate} and {@link ServerSideApply#apply}
 * with those settings. Immutable and thread-safe.
 */
public final class FieldManager {

  private static final FieldSet STATUS = FieldSet.of(List.of(List.of("f:status")));
  private static final FieldSet SPEC_AND_METADATA = FieldSet.of(List.of(List.of("f:spec"), List.of("f:metadata")));

  private final PatchMeta meta;
  private final boolean hasStatusSubresource;
  private final Clock clock;

  /**
   * @param meta the schema of the type's objects ({@link PatchMeta#NONE} when it has none)
   * @param hasStatusSubresource whether the type serves {@code /status}
   */
  public FieldManager(PatchMeta meta, boolean hasStatusSubresource, Clock clock) {
    this.meta = meta;
    this.hasStatusSubresource = hasStatusSubresource;
    this.clock = clock;
  }

  public FieldManager(PatchMeta meta, boolean hasStatusSubresource) {
    this(meta, hasStatusSubresource, Clock.systemUTC());
  }

  public PatchMeta meta() {
    return meta;
  }

  /** Fields a write through {@code subresource} (null: the main resource) does not own. */
  public FieldSet resetFields(String subresource) {
    if (subresource == null) {
      return hasStatusSubresource ? STATUS : new FieldSet();
    }
    return "status".equals(subresource) ? SPEC_AND_METADATA : new FieldSet();
  }

  /**
   * A create ({@code before} null), update or non-apply patch by {@code manager}: {@code after}
   * with its managedFields updated. Call with the object as it will be stored.
   */
  public ObjectNode update(ObjectNode before, ObjectNode after, String manager, String subresource) {
    String subForEntry = subresource == null || subresource.equals("*") ? null : subresource;
    return ManagedFields.recordUpdate(before, after, manager, Json.text(after, "apiVersion"), subForEntry,
        clock.instant(), meta, resetFields(subForEntry));
  }

  /**
   * A server-side apply: the object to store ({@code live} itself, with the same managedFields, when
   * nothing changes).
   *
   * @param live the stored object, or null to create it
   * @throws StatusException 409 on conflicts, 400 on a malformed configuration
   */
  public ObjectNode apply(ObjectNode live, ObjectNode applied, String manager, boolean force, String subresource) {
    return ServerSideApply.apply(live, applied, manager, force, meta, subresource, resetFields(subresource),
        clock.instant());
  }

  /** A strategic merge patch against this type's merge keys. */
  public ObjectNode strategicMerge(ObjectNode current, tools.jackson.databind.JsonNode patch) {
    return StrategicMergePatch.apply(current, patch, meta);
  }
}
