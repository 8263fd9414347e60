package dev.kvx.apiserver.storage.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an {@link EmbeddedStorage} keeps its data.
 *
 * @param dataDir where the write-ahead log and snapshots live; {@code null} keeps everything in
 *     memory (tests, in-JVM clusters)
 * @param historyLimit how many of the latest events are kept for watches that start in the past
 * @param snapshotMinLogBytes the log is never rewritten as a snapshot while smaller than this
 * @param snapshotLogRatio the log is rewritten as a snapshot once it is this many times larger than
 *     the live data (and past {@code snapshotMinLogBytes}), which bounds disk use
 * @param maxPendingWrites writes queued beyond this fail fast with {@code Unavailable} instead of
 *     growing the queue without bound
 */
public record EmbeddedStorageOptions(
    Path dataDir,
    int historyLimit,
    long snapshotMinLogBytes,
    int snapshotLogRatio,
    int maxPendingWrites) {

  public static final int DEFAULT_HISTORY_LIMIT = 100_000;
  public static final long DEFAULT_SNAPSHOT_MIN_LOG_BYTES = 64L << 20;
  public static final int DEFAULT_SNAPSHOT_LOG_RATIO = 4;
  public static final int DEFAULT_MAX_PENDING_WRITES = 65_536;

  public EmbeddedStorageOptions {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("historyLimit must be positive: " + historyLimit);
    }
    if (snapshotLogRatio < 1) {
      throw new IllegalArgumentException("snapshotLogRatio must be positive: " + snapshotLogRatio);
    }
    if (maxPendingWrites < 1) {
      throw new IllegalArgumentException("maxPendingWrites must be positive: " + maxPendingWrites);
    }
  }

  /** Nothing on disk. */
  public static EmbeddedStorageOptions inMemory() {
    return new EmbeddedStorageOptions(
        null,
        DEFAULT_HISTORY_LIMIT,
        DEFAULT_SNAPSHOT_MIN_LOG_BYTES,
        DEFAULT_SNAPSHOT_LOG_RATIO,
        DEFAULT_MAX_PENDING_WRITES);
  }

  /** A write-ahead log and snapshots under {@code dataDir}. */
  public static EmbeddedStorageOptions onDisk(Path dataDir) {
    return inMemory().withDataDir(Objects.requireNonNull(dataDir, "dataDir"));
  }

  public EmbeddedStorageOptions withDataDir(Path dir) {
    return new EmbeddedStorageOptions(
        dir, historyLimit, snapshotMinLogBytes, snapshotLogRatio, maxPendingWrites);
  }

  public EmbeddedStorageOptions withHistoryLimit(int limit) {
    return new EmbeddedStorageOptions(
        dataDir, limit, snapshotMinLogBytes, snapshotLogRatio, maxPendingWrites);
  }

  public EmbeddedStorageOptions withSnapshotThreshold(long minLogBytes, int logRatio) {
    return new EmbeddedStorageOptions(
        dataDir, historyLimit, minLogBytes, logRatio, maxPendingWrites);
  }

  public EmbeddedStorageOptions withMaxPendingWrites(int max) {
    return new EmbeddedStorageOptions(
        dataDir, historyLimit, snapshotMinLogBytes, snapshotLogRatio, max);
  }

  public boolean inMemoryOnly() {
    return dataDir == null;
  }
}
