package dev.kvx.apiserver.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The served resources: the built-in kinds now, custom resources as their definitions are
 * established. Thread-safe; readers see a consistent snapshot.
 */
public final class ResourceRegistry {

  private volatile Map<String, ResourceType> byPath = Map.of();
  private final List<Consumer<ResourceType>> addListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<ResourceType>> removeListeners = new CopyOnWriteArrayList<>();

  /** A registry serving the built-in kinds of {@link BuiltinResources}. */
  public static ResourceRegistry withBuiltins() {
    ResourceRegistry r = new ResourceRegistry();
    BuiltinResources.ALL.forEach(r::add);
    return r;
  }

  private static String path(String group, String version, String plural) {
    return group + "/" + version + "/" + plural;
  }

  public synchronized void add(ResourceType type) {
    Map<String, ResourceType> next = new LinkedHashMap<>(byPath);
    next.put(path(type.group(), type.version(), type.plural()), type);
    byPath = next;
    addListeners.forEach(l -> l.accept(type));
  }

  public synchronized void remove(ResourceType type) {
    Map<String, ResourceType> next = new LinkedHashMap<>(byPath);
    if (next.remove(path(type.group(), type.version(), type.plural())) != null) {
      byPath = next;
      removeListeners.forEach(l -> l.accept(type));
    }
  }

  /** The resource served at {@code /apis/<group>/<version>/<plural>} (core: group ""). */
  public Optional<ResourceType> find(String group, String version, String plural) {
    return Optional.ofNullable(byPath.get(path(group, version, plural)));
  }

  /** The resource of a kind in a group/version, e.g. for a request body's apiVersion and kind. */
  public Optional<ResourceType> findByKind(String group, String version, String kind) {
    return byPath.values().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version) && t.kind().equals(kind))
        .findFirst();
  }

  public Collection<ResourceType> all() {
    return byPath.values();
  }

  /** Served groups in registration order, each with its versions in registration order. */
  public Map<String, List<String>> groupVersions() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceType t : byPath.values()) {
      List<String> versions = out.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!versions.contains(t.version())) {
        versions.add(t.version());
      }
    }
    return out;
  }

  public List<ResourceType> inGroupVersion(String group, String version) {
    return byPath.values().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version))
        .toList();
  }

  /** The distinct storage prefixes (one per stored resource, whatever its versions). */
  public List<ResourceType> storageTypes() {
    Map<String, ResourceType> first = new LinkedHashMap<>();
    for (ResourceType t : byPath.values()) {
      first.putIfAbsent(t.storagePrefix(), t);
    }
    return List.copyOf(first.values());
  }

  public void onAdd(Consumer<ResourceType> listener) {
    addListeners.add(listener);
  }

  public void onRemove(Consumer<ResourceType> listener) {
    removeListeners.add(listener);
  }
}
