package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import dev.kvx.apiserver.storage.WatchEvent;
import java.io.IOException;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What a store rebuilds on open: the snapshot's keys, then every logged write after it. Replayed
 * writes also refill the event history, so watches can resume from before a restart as long as the
 * log still holds their start revision.
 */
final class RecoveredState {

  final ConcurrentSkipListMap<String, KeyValue> data = KeyIndex.newMap();
  final EventHistory history;
  long revision;
  long compactedRevision;

  RecoveredState(int historyLimit) {
    this.history = new EventHistory(historyLimit, 0);
  }

  /** Starts from a snapshot: nothing at or below its revision can be replayed to watches. */
  void fromSnapshot(SnapshotFile.Header header) {
    revision = header.revision();
    compactedRevision = header.compactedRevision();
    history.compact(header.revision());
  }

  void apply(LogRecord r) throws IOException {
    if (r.op() == LogRecord.Op.COMPACT) {
      if (r.revision() > compactedRevision) {
        compactedRevision = r.revision();
        history.compact(r.revision());
      }
      return;
    }
    if (r.revision() <= revision) {
      return; // already in the snapshot
    }
    if (r.revision() != revision + 1) {
      throw new IOException("log skips from revision " + revision + " to " + r.revision());
    }
    if (r.op() == LogRecord.Op.PUT) {
      KeyValue kv = new KeyValue(r.key(), r.value(), r.createRevision(), r.revision());
      KeyValue prev = data.put(r.key(), kv);
      history.append(new WatchEvent(WatchEvent.Type.PUT, kv, prev == null ? null : prev.value()));
    } else {
      KeyValue prev = data.remove(r.key());
      if (prev == null) {
        throw new IOException("log deletes absent key " + r.key() + " at " + r.revision());
      }
      KeyValue gone = new KeyValue(r.key(), prev.value(), prev.createRevision(), r.revision());
      history.append(new WatchEvent(WatchEvent.Type.DELETE, gone, prev.value()));
    }
    revision = r.revision();
  }
}
