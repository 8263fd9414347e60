package dev.kvx.scheduler.framework;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Plugin names mapped to factories (upstream {@code runtime.Registry}); a {@link Profile} names the
 * plugins to enable and the framework builds them from here. Not thread-safe while being filled.
 */
public final class Registry {

  /** Builds one plugin instance for one framework. */
  @FunctionalInterface
  public interface PluginFactory {
    Plugin create(Handle handle);
  }

  private final Map<String, PluginFactory> factories = new LinkedHashMap<>();

  /** Adds {@code name}; a name may be registered once. */
  public Registry register(String name, PluginFactory factory) {
    if (factories.putIfAbsent(name, factory) != null) {
      throw new IllegalArgumentException("a plugin named " + name + " already exists");
    }
    return this;
  }

  /** The factory of {@code name}, or null. */
  public PluginFactory get(String name) {
    return factories.get(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(factories.keySet());
  }

  /** Adds every entry of {@code other} (out-of-tree plugins next to the in-tree ones). */
  public Registry merge(Registry other) {
    other.factories.forEach(this::register);
    return this;
  }
}
