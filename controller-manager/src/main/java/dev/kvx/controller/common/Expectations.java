package dev.kvx.controller.common;

import dev.kvx.component.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a controller is still waiting to see in its informer cache after its own creates and
 * deletes (upstream's {@code ControllerExpectations} with {@code UIDTrackingExpectations}): a
 * controller syncs an owner only once the creations and deletions it made for it were observed, so
 * a lagging cache never makes it create or delete twice.
 *
 * <p>Deletions are tracked by pod key, so a pod observed twice as deleted (marked, then removed)
 * counts once. Expectations older than 5 minutes are treated as satisfied, as upstream, in case a
 * watch event was lost. Thread-safe: handlers observe, workers expect.
 */
public final class Expectations {
  /** Upstream's {@code ExpectationsTimeout}. */
  public static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public Expectations(Clock clock) {
    this.clock = clock;
  }

  /** Whether the owner {@code key} may be synced: nothing pending, no record, or expired. */
  public boolean satisfied(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return true;
    }
    synchronized (e) {
      return (e.adds <= 0 && e.deletes.isEmpty()) || clock.since(e.timestamp).compareTo(TIMEOUT) > 0;
    }
  }

  /** Expects {@code adds} creations for {@code key}, replacing what was expected before. */
  public void expectCreations(String key, int adds) {
    Entry e = new Entry(clock.now());
    e.adds = adds;
    entries.put(key, e);
  }

  /** Expects the deletion of the objects with keys {@code deleteKeys}, replacing earlier expectations. */
  public void expectDeletions(String key, Set<String> deleteKeys) {
    Entry e = new Entry(clock.now());
    e.deletes.addAll(deleteKeys);
    entries.put(key, e);
  }

  /** One creation for {@code key} was seen in the cache (or will never happen). */
  public void creationObserved(String key) {
    Entry e = entries.get(key);
    if (e != null) {
      synchronized (e) {
        e.adds--;
      }
    }
  }

  /** The deletion of {@code deletedKey} for {@code key} was seen (or will never happen). */
  public void deletionObserved(String key, String deletedKey) {
    Entry e = entries.get(key);
    if (e != null) {
      synchronized (e) {
        e.deletes.remove(deletedKey);
      }
    }
  }

  /** Forgets {@code key} (the owner is gone). */
  public void delete(String key) {
    entries.remove(key);
  }

  /** Pending creations, for tests and logs. */
  public int pendingAdds(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return 0;
    }
    synchronized (e) {
      return e.adds;
    }
  }

  private static final class Entry {
    final Instant timestamp;
    int adds;
    final Set<String> deletes = new HashSet<>();

    Entry(Instant timestamp) {
      this.timestamp = timestamp;
    }
  }
}
