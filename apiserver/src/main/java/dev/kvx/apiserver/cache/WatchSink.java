package dev.kvx.apiserver.cache;

/**
 * Where a cache watch delivers. Called on the watcher's Vert.x context, in revision order, one call
 * at a time.
 */
public interface WatchSink {

  /** One event, already filtered (and retyped ADDED/DELETED when it moved across the filter). */
  void event(CacheEvent.Type type, CachedObject object);

  /** A bookmark: every event at or below {@code revision} has been delivered. */
  void bookmark(long revision);

  /** The cache ended this watch (overload, cache re-initialisation, shutdown). */
  void terminated(String reason);
}
