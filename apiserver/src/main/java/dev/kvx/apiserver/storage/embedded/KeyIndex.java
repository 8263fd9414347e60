package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.RangeResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The current value of every key, in key order, and the revision they reflect. Only the writer
 * thread mutates it, one committed batch at a time under the write lock; readers run on the
 * caller's thread without blocking: a point read is one map lookup, and a range read scans
 * optimistically and retries (finally under the read lock) if a batch landed meanwhile, so a list
 * always matches the revision it reports.
 */
final class KeyIndex {

  private final ConcurrentSkipListMap<String, KeyValue> data;
  private final StampedLock lock = new StampedLock();
  private volatile long revision;
  private long liveBytes; // writer thread only

  KeyIndex(ConcurrentSkipListMap<String, KeyValue> data, long revision) {
    this.data = data;
    this.revision = revision;
    for (KeyValue kv : data.values()) {
      liveBytes += sizeOf(kv);
    }
  }

  static ConcurrentSkipListMap<String, KeyValue> newMap() {
    return new ConcurrentSkipListMap<>(KeyOrder.UTF8);
  }

  long revision() {
    return revision;
  }

  KeyValue get(String key) {
    return data.get(key);
  }

  RangeResult list(String prefix) {
    for (int attempt = 0; attempt < 2; attempt++) {
      long stamp = lock.tryOptimisticRead();
      if (stamp != 0) {
        RangeResult result = scan(prefix);
        if (lock.validate(stamp)) {
          return result;
        }
      }
    }
    // Writes keep landing during a long scan: hold them off (the writer waits, not us).
    long stamp = lock.readLock();
    try {
      return scan(prefix);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private RangeResult scan(String prefix) {
    long rev = revision;
    List<KeyValue> items = new ArrayList<>();
    for (Map.Entry<String, KeyValue> e : data.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      items.add(e.getValue());
    }
    return new RangeResult(items, rev);
  }

  /**
   * Applies a committed batch of changes in order, then publishes {@code newRevision}. Writer
   * thread only.
   */
  void apply(List<Change> changes, long newRevision) {
    long stamp = lock.writeLock();
    try {
      for (Change c : changes) {
        KeyValue old = c.value() == null ? data.remove(c.key()) : data.put(c.key(), c.value());
        if (old != null) {
          liveBytes -= sizeOf(old);
        }
        if (c.value() != null) {
          liveBytes += sizeOf(c.value());
        }
      }
      revision = newRevision;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Approximate bytes the live data would take in a snapshot. Writer thread only. */
  long liveBytes() {
    return liveBytes;
  }

  /** Every current value; consistent when called by the writer thread (the only mutator). */
  Collection<KeyValue> copyValues() {
    return new ArrayList<>(data.values());
  }

  /** One key's new value, or its deletion ({@code value == null}). */
  record Change(String key, KeyValue value) {}

  private static long sizeOf(KeyValue kv) {
    return kv.key().length() + kv.value().length + 32L;
  }
}
