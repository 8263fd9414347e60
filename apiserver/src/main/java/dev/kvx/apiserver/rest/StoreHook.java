package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.registry.ResourceType;
import io.vertx.core.Future;
import tools.jackson.databind.node.ObjectNode;

/**
 * Work that must happen with a write, such as allocating and releasing a Service's ClusterIP and
 * node ports. Hooks run on the event loop and must not block.
 */
public interface StoreHook {

  /** Whether the hook concerns objects of {@code type} at all. */
  boolean appliesTo(ResourceType type);

  /** Before an object is first stored; may fill fields. A failure refuses the create. */
  default Future<Void> beforeCreate(ResourceType type, ObjectNode obj) {
    return Future.succeededFuture();
  }

  /**
   * For a dry-run create: fills the fields {@link #beforeCreate} would, without holding anything
   * (nothing is stored, so nothing would release it).
   */
  default Future<Void> dryRunCreate(ResourceType type, ObjectNode obj) {
    return Future.succeededFuture();
  }

  /** Undoes {@link #beforeCreate} when the create failed after it. */
  default void createFailed(ResourceType type, ObjectNode obj) {}

  /** Before an update is stored; may fill fields ({@code old} is read-only). */
  default Future<Void> beforeUpdate(ResourceType type, ObjectNode obj, ObjectNode old) {
    return Future.succeededFuture();
  }

  /** After an object was removed from storage. */
  default void afterDelete(ResourceType type, ObjectNode obj) {}
}
