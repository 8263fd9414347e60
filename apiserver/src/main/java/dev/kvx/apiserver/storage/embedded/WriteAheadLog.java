package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's disk: numbered log segments ({@code wal-<n>.log}) of framed records, plus at
 * most one complete snapshot ({@code snapshot-<revision>.db}). The writer thread appends a batch,
 * then forces it to disk; only then are the batch's writes acknowledged.
 *
 * <p>When the current segment outgrows the live data by the configured ratio, the writer starts a
 * new segment and hands a copy of the live data to a background thread, which writes it as a
 * snapshot (temporary file, fsync, atomic rename) and then deletes the segments it covers. A crash
 * at any point leaves either the old snapshot and all segments or the new snapshot and possibly
 * some covered segments, whose records recovery skips.
 */
final class WriteAheadLog implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);

  private final Path dir;
  private final FileChannel lockFile;
  private final long snapshotMinBytes;
  private final int snapshotRatio;
  private final ExecutorService snapshotter;
  private FileChannel segment; // writer thread only, from here down
  private long segmentNumber;
  private long segmentBytes;
  private volatile boolean snapshotRunning;

  private WriteAheadLog(
      Path dir, FileChannel lockFile, EmbeddedStorageOptions options, String name) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.snapshotMinBytes = options.snapshotMinLogBytes();
    this.snapshotRatio = options.snapshotLogRatio();
    this.snapshotter =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name + "-snapshotter");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Locks {@code dir} for this process, loads the latest snapshot and replays the log into {@code
   * state}. A torn record at the end of the last segment (a crash mid-write) is cut off; damage
   * anywhere else fails the open.
   */
  static WriteAheadLog open(EmbeddedStorageOptions options, RecoveredState state, String name)
      throws IOException {
    Path dir = options.dataDir();
    Files.createDirectories(dir);
    FileChannel lockFile = lock(dir);
    WriteAheadLog log = new WriteAheadLog(dir, lockFile, options, name);
    try {
      log.recover(state);
      return log;
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  private static FileChannel lock(Path dir) throws IOException {
    FileChannel ch =
        FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        throw new IOException(dir + " is in use by another kvx process");
      }
      return ch;
    } catch (OverlappingFileLockException e) {
      ch.close();
      throw new IOException(dir + " is already open in this process", e);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  private void recover(RecoveredState state) throws IOException {
    for (Path tmp : list("", ".tmp")) {
      Files.delete(tmp); // an interrupted snapshot
    }
    List<Path> snapshots = list("snapshot-", ".db");
    long firstSegment = 0;
    if (!snapshots.isEmpty()) {
      Path latest = snapshots.get(snapshots.size() - 1);
      SnapshotFile.Header header = SnapshotFile.read(latest, kv -> state.data.put(kv.key(), kv));
      state.fromSnapshot(header);
      firstSegment = header.nextSegment();
      for (Path older : snapshots.subList(0, snapshots.size() - 1)) {
        Files.delete(older);
      }
    }
    List<Path> segments = new ArrayList<>();
    for (Path p : list("wal-", ".log")) {
      if (number(p, "wal-", ".log") < firstSegment) {
        Files.delete(p); // covered by the snapshot; left over from a crash
      } else {
        segments.add(p);
      }
    }
    for (int i = 0; i < segments.size(); i++) {
      Path p = segments.get(i);
      long size = Files.size(p);
      long good = replay(p, state);
      if (good < size) {
        if (i < segments.size() - 1) {
          throw new IOException("log segment " + p + " is damaged at byte " + good);
        }
        LOG.warn("cutting a torn record off {} (bytes {}..{})", p, good, size);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
          ch.truncate(good);
          ch.force(true);
        }
      }
    }
    if (segments.isEmpty()) {
      openSegment(Math.max(firstSegment, 1));
    } else {
      Path last = segments.get(segments.size() - 1);
      segmentNumber = number(last, "wal-", ".log");
      segment = FileChannel.open(last, StandardOpenOption.WRITE);
      segmentBytes = segment.size();
      segment.position(segmentBytes);
    }
  }

  /** Replays whole records from {@code file}; returns the offset just past the last one. */
  private static long replay(Path file, RecoveredState state) throws IOException {
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16))) {
      long offset = 0;
      while (offset + LogRecord.HEADER_BYTES <= size) {
        int length = in.readInt();
        int crc = in.readInt();
        if (length <= 0
            || length > LogRecord.MAX_PAYLOAD_BYTES
            || offset + LogRecord.HEADER_BYTES + length > size) {
          break;
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        LogRecord record =
            RecordBuffer.checksum(payload) == crc
                ? LogRecord.decode(ByteBuffer.wrap(payload))
                : null;
        if (record == null) {
          break;
        }
        state.apply(record);
        offset += LogRecord.HEADER_BYTES + length;
      }
      return offset;
    }
  }

  /** Writes a batch of framed records to the current segment (not yet durable). */
  void append(ByteBuffer records) throws IOException {
    int n = records.remaining();
    while (records.hasRemaining()) {
      segment.write(records);
    }
    segmentBytes += n;
  }

  /** Makes everything appended so far durable. */
  void sync() throws IOException {
    segment.force(false);
  }

  /**
   * Called by the writer after each batch: when the current segment has outgrown the live data,
   * starts a new segment and writes a snapshot of {@code index} in the background.
   */
  void maybeSnapshot(KeyIndex index, long compactedRevision) {
    if (snapshotRunning
        || segmentBytes < Math.max(snapshotMinBytes, snapshotRatio * index.liveBytes())) {
      return;
    }
    long revision = index.revision();
    Collection<KeyValue> entries = index.copyValues();
    try {
      openSegment(segmentNumber + 1);
    } catch (IOException e) {
      LOG.error("cannot start a new log segment in {}; keeping the current one", dir, e);
      return;
    }
    SnapshotFile.Header header =
        new SnapshotFile.Header(revision, compactedRevision, segmentNumber, entries.size());
    snapshotRunning = true;
    snapshotter.execute(() -> writeSnapshot(header, entries));
  }

  private void writeSnapshot(SnapshotFile.Header header, Collection<KeyValue> entries) {
    Path target = dir.resolve(String.format("snapshot-%020d.db", header.revision()));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try {
      SnapshotFile.write(tmp, header, entries);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDir();
      for (Path p : list("snapshot-", ".db")) {
        if (!p.equals(target)) {
          Files.delete(p);
        }
      }
      for (Path p : list("wal-", ".log")) {
        if (number(p, "wal-", ".log") < header.nextSegment()) {
          Files.delete(p);
        }
      }
      LOG.debug("snapshot at revision {} ({} keys)", header.revision(), entries.size());
    } catch (IOException | RuntimeException e) {
      LOG.error("snapshot at revision {} failed; the log keeps growing", header.revision(), e);
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next open deletes it
      }
    } finally {
      snapshotRunning = false;
    }
  }

  /** Opens a new, empty segment; the previous one is durable (the writer syncs each batch). */
  private void openSegment(long number) throws IOException {
    Path p = dir.resolve(String.format("wal-%020d.log", number));
    FileChannel next = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    syncDir();
    if (segment != null) {
      segment.close();
    }
    segment = next;
    segmentNumber = number;
    segmentBytes = 0;
  }

  private void syncDir() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  private List<Path> list(String prefix, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(suffix);
              })
          .sorted()
          .toList();
    }
  }

  private static long number(Path p, String prefix, String suffix) {
    String n = p.getFileName().toString();
    return Long.parseLong(n.substring(prefix.length(), n.length() - suffix.length()));
  }

  /** Waits for a running snapshot, then releases the files and the directory lock. */
  @Override
  public void close() {
    snapshotter.shutdown();
    try {
      if (!snapshotter.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("snapshot in {} still running at close", dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (segment != null) {
        segment.close();
      }
    } catch (IOException e) {
      LOG.warn("closing log segment in {}", dir, e);
    }
    try {
      lockFile.close(); // releases the lock
    } catch (IOException e) {
      LOG.warn("releasing lock on {}", dir, e);
    }
  }
}
