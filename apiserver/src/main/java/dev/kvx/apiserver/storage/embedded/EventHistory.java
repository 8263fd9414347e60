package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.WatchEvent;
import java.util.Arrays;

/**
 * The latest events, oldest first, in a ring that grows up to {@code limit} and then drops the
 * oldest. Remembers the highest revision it no longer holds, so a watch that starts at or below it
 * can be told its history is gone. Not thread-safe: owned by the watch dispatcher (or by recovery
 * before the store opens).
 */
final class EventHistory {

  private final int limit;
  private WatchEvent[] ring = new WatchEvent[16];
  private int head;
  private int size;
  private long droppedThrough;

  /**
   * @param droppedThrough the highest revision whose event is not available (e.g. the revision of
   *     the snapshot recovery started from; 0 for a new store)
   */
  EventHistory(int limit, long droppedThrough) {
    this.limit = limit;
    this.droppedThrough = droppedThrough;
  }

  /** Events at or below this revision are gone (compacted or evicted). */
  long droppedThrough() {
    return droppedThrough;
  }

  int size() {
    return size;
  }

  /** Appends an event whose revision is above every retained one. */
  void append(WatchEvent event) {
    if (size == limit) {
      dropOldest();
    } else if (size == ring.length) {
      grow();
    }
    ring[(head + size) % ring.length] = event;
    size++;
  }

  /** Drops every event at or below {@code revision}. */
  void compact(long revision) {
    while (size > 0 && get(0).revision() <= revision) {
      dropOldest();
    }
    droppedThrough = Math.max(droppedThrough, revision);
  }

  /**
   * The index of the first retained event at or above {@code revision} ({@code size()} if none).
   */
  int indexOf(long revision) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (get(mid).revision() < revision) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  WatchEvent get(int index) {
    return ring[(head + index) % ring.length];
  }

  private void dropOldest() {
    droppedThrough = Math.max(droppedThrough, ring[head].revision());
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
  }

  private void grow() {
    WatchEvent[] bigger = new WatchEvent[Math.min(limit, ring.length * 2)];
    for (int i = 0; i < size; i++) {
      bigger[i] = get(i);
    }
    Arrays.fill(ring, null);
    ring = bigger;
    head = 0;
  }
}
