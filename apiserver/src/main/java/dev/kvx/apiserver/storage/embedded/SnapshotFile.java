package dev.kvx.apiserver.storage.embedded;

import dev.kvx.apiserver.storage.KeyValue;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The whole store at one revision: {@code magic, long revision, long compactedRevision, long
 * nextSegment, long count}, then per key {@code long createRevision, long modRevision, int
 * keyLength, key, int valueLength, value}, then a {@code long} CRC32C of everything before it.
 * Written to a temporary file, fsync'd, then renamed into place, so a snapshot on disk is always
 * complete.
 */
final class SnapshotFile {

  private static final long MAGIC = 0x4b56_5853_4e41_5031L; // "KVXSNAP1"

  /**
   * What a snapshot holds besides its entries.
   *
   * @param nextSegment the first log segment written after the snapshot was taken: every older
   *     segment is covered by the snapshot and can go
   */
  record Header(long revision, long compactedRevision, long nextSegment, long count) {}

  private SnapshotFile() {}

  /** Writes {@code entries} to {@code file} and forces it to disk. */
  static void write(Path file, Header header, Collection<KeyValue> entries) throws IOException {
    try (FileOutputStream fos = new FileOutputStream(file.toFile())) {
      BufferedOutputStream buffered = new BufferedOutputStream(fos, 1 << 16);
      CheckedOutputStream checked = new CheckedOutputStream(buffered, new CRC32C());
      DataOutputStream out = new DataOutputStream(checked);
      out.writeLong(MAGIC);
      out.writeLong(header.revision());
      out.writeLong(header.compactedRevision());
      out.writeLong(header.nextSegment());
      out.writeLong(entries.size());
      for (KeyValue kv : entries) {
        byte[] key = kv.key().getBytes(StandardCharsets.UTF_8);
        out.writeLong(kv.createRevision());
        out.writeLong(kv.modRevision());
        out.writeInt(key.length);
        out.write(key);
        out.writeInt(kv.value().length);
        out.write(kv.value());
      }
      out.flush();
      // The trailer bypasses the checksum stream: it is the checksum.
      new DataOutputStream(buffered).writeLong(checked.getChecksum().getValue());
      buffered.flush();
      fos.getChannel().force(true);
    }
  }

  /** Reads a snapshot, handing each entry to {@code sink}; fails if it is damaged. */
  static Header read(Path file, Consumer<KeyValue> sink) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CheckedInputStream checked = new CheckedInputStream(raw, new CRC32C());
      DataInputStream in = new DataInputStream(checked);
      if (in.readLong() != MAGIC) {
        throw new IOException("not a kvx snapshot: " + file);
      }
      Header header = new Header(in.readLong(), in.readLong(), in.readLong(), in.readLong());
      for (long i = 0; i < header.count(); i++) {
        long create = in.readLong();
        long mod = in.readLong();
        String key = new String(readBytes(in), StandardCharsets.UTF_8);
        sink.accept(new KeyValue(key, readBytes(in), create, mod));
      }
      long expected = checked.getChecksum().getValue();
      if (new DataInputStream(raw).readLong() != expected || raw.read() != -1) {
        throw new IOException("snapshot checksum mismatch: " + file);
      }
      return header;
    } catch (EOFException e) {
      throw new IOException("snapshot truncated: " + file, e);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > LogRecord.MAX_PAYLOAD_BYTES) {
      throw new IOException("corrupt snapshot length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
