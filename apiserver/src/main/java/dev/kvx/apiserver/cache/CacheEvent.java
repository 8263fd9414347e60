package dev.kvx.apiserver.cache;

/**
 * One change as watchers see it. For DELETED, {@code object} is the last state with the delete's
 * revision as its resourceVersion. {@code previous} is the state before (null on ADDED).
 */
public record CacheEvent(Type type, CachedObject object, CachedObject previous) {
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }

  public long revision() {
    return object.resourceVersion();
  }
}
