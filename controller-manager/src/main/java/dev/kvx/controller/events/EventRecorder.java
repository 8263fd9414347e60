package dev.kvx.controller.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Records core/v1 Events about objects, as client-go's {@code record.EventRecorder}: fire and
 * forget. Implementations never block the caller on the API server and never throw.
 */
public interface EventRecorder {
  String NORMAL = "Normal";
  String WARNING = "Warning";

  /** An event of {@code type} ({@link #NORMAL} or {@link #WARNING}) about {@code obj}. */
  void event(HasMetadata obj, String type, String reason, String message);

  default void eventf(HasMetadata obj, String type, String reason, String format, Object... args) {
    event(obj, type, reason, String.format(format, args));
  }

  /** A recorder that drops everything (for pure unit tests). */
  EventRecorder NOOP = (obj, type, reason, message) -> {};
}
