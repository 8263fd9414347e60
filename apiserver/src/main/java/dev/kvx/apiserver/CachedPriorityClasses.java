package dev.kvx.apiserver;

import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.strategy.PriorityClassLookup;
import tools.jackson.databind.node.ObjectNode;

/** PriorityClasses for Priority admission, answered from the watch cache (never blocks). */
final class CachedPriorityClasses implements PriorityClassLookup {

  private final WatchCache cache;
  private final ResourceType priorityClasses;

  CachedPriorityClasses(WatchCache cache, ResourceType priorityClasses) {
    this.cache = cache;
    this.priorityClasses = priorityClasses;
  }

  @Override
  public ObjectNode get(String name) {
    CachedObject c = cache.get(priorityClasses.key(null, name));
    return c == null ? null : c.object();
  }

  @Override
  public ObjectNode globalDefault() {
    for (CachedObject c : cache.list(priorityClasses.prefix(null)).items()) {
      if (c.object().path("globalDefault").asBoolean(false)) {
        return c.object();
      }
    }
    return null;
  }

  @Override
  public boolean complete() {
    return cache.isReady();
  }
}
