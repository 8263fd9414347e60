package dev.kvx.scheduler.framework;

/**
 * Where the framework reports sampled plugin durations
 * (scheduler_plugin_execution_duration_seconds{plugin, extension_point, status}).
 */
@FunctionalInterface
public interface PluginMetrics {
  PluginMetrics NONE = (plugin, extensionPoint, status, nanos) -> {};

  void observe(String plugin, String extensionPoint, Status.Code status, long nanos);
}
