package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one kind adds to the generic REST semantics, as kube-apiserver's per-resource strategies:
 * defaulting, server-set fields and validation. Implement only what the kind needs; every method
 * runs on an event loop and must not block.
 */
public interface ResourceStrategy {

  /** A strategy that adds nothing. */
  ResourceStrategy GENERIC = new ResourceStrategy() {};

  /** Defaults and server-set fields of a new object (already carrying uid, timestamps, name). */
  default void prepareForCreate(ObjectNode obj) {}

  /** Defaults and server-set fields on update; {@code old} is read-only. */
  default void prepareForUpdate(ObjectNode obj, ObjectNode old) {}

  /** Problems with a new object, each naming its field; empty when valid. */
  default List<StatusException.Cause> validate(ObjectNode obj) {
    return List.of();
  }

  /** Problems with an update (immutable fields, …); {@code old} is read-only. */
  default List<StatusException.Cause> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validate(obj);
  }

  /**
   * Whether a change of this object's spec bumps {@code metadata.generation} (workloads, custom
   * resources), as upstream tracks it for kinds whose controllers report observedGeneration.
   */
  default boolean tracksGeneration() {
    return false;
  }

  /** Whether object names must be DNS-1123 labels (namespaces, services) rather than subdomains. */
  default boolean nameIsDnsLabel() {
    return false;
  }
}
