package dev.kvx.apiserver.storage.embedded;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A growable buffer that collects one batch of framed log records, so the writer issues one write
 * and one fsync per batch. Reused across batches; confined to the writer thread.
 */
final class RecordBuffer {

  private final CRC32C crc = new CRC32C();
  private ByteBuffer buf = ByteBuffer.allocate(64 << 10);

  void clear() {
    buf.clear();
  }

  boolean isEmpty() {
    return buf.position() == 0;
  }

  /** The batch ready to write: a view from 0 to the end of the last record. */
  ByteBuffer flip() {
    return buf.duplicate().flip();
  }

  int beginRecord() {
    int start = buf.position();
    ensure(LogRecord.HEADER_BYTES);
    buf.position(start + LogRecord.HEADER_BYTES);
    return start;
  }

  void endRecord(int start) {
    int payloadStart = start + LogRecord.HEADER_BYTES;
    int length = buf.position() - payloadStart;
    crc.reset();
    crc.update(buf.array(), payloadStart, length);
    buf.putInt(start, length);
    buf.putInt(start + 4, (int) crc.getValue());
  }

  RecordBuffer put(byte b) {
    ensure(1);
    buf.put(b);
    return this;
  }

  RecordBuffer put(byte[] b) {
    ensure(b.length);
    buf.put(b);
    return this;
  }

  RecordBuffer putInt(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  RecordBuffer putLong(long v) {
    ensure(8);
    buf.putLong(v);
    return this;
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      int needed = buf.position() + more;
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buf.capacity() * 2));
      buf.flip();
      bigger.put(buf);
      buf = bigger;
    }
  }

  /** Checksum of a payload as stored in its record header. */
  static int checksum(byte[] payload) {
    CRC32C c = new CRC32C();
    c.update(payload, 0, payload.length);
    return (int) c.getValue();
  }
}
