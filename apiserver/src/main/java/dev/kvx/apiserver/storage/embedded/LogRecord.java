package dev.kvx.apiserver.storage.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One write-ahead log record. On disk: {@code int length, int crc32c(payload), payload}, where the
 * payload is {@code byte op, long revision} followed by, for a put, {@code long createRevision, int
 * keyLength, key (UTF-8), int valueLength, value}; for a delete, {@code int keyLength, key}; a
 * compaction carries only its revision. The length and checksum let recovery tell a record torn by
 * a crash from a whole one.
 */
record LogRecord(Op op, long revision, String key, byte[] value, long createRevision) {

  /** Bytes before each payload: its length and checksum. */
  static final int HEADER_BYTES = 8;

  /** Larger "lengths" are garbage from a torn write, not a record (etcd caps values at 1.5 MiB). */
  static final int MAX_PAYLOAD_BYTES = 256 << 20;

  enum Op {
    PUT(1),
    DELETE(2),
    COMPACT(3);

    final byte code;

    Op(int code) {
      this.code = (byte) code;
    }

    static Op of(byte code) {
      for (Op op : values()) {
        if (op.code == code) {
          return op;
        }
      }
      return null;
    }
  }

  static void encodePut(
      RecordBuffer out, long revision, long createRevision, String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int start = out.beginRecord();
    out.put(Op.PUT.code).putLong(revision).putLong(createRevision);
    out.putInt(k.length).put(k).putInt(value.length).put(value);
    out.endRecord(start);
  }

  static void encodeDelete(RecordBuffer out, long revision, String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int start = out.beginRecord();
    out.put(Op.DELETE.code).putLong(revision).putInt(k.length).put(k);
    out.endRecord(start);
  }

  static void encodeCompact(RecordBuffer out, long revision) {
    int start = out.beginRecord();
    out.put(Op.COMPACT.code).putLong(revision);
    out.endRecord(start);
  }

  /** Decodes a payload whose checksum was verified; {@code null} when it is malformed. */
  static LogRecord decode(ByteBuffer payload) {
    try {
      Op op = Op.of(payload.get());
      if (op == null) {
        return null;
      }
      long revision = payload.getLong();
      LogRecord record =
          switch (op) {
            case PUT -> {
              long create = payload.getLong();
              String key = string(payload);
              byte[] value = bytes(payload);
              yield new LogRecord(op, revision, key, value, create);
            }
            case DELETE -> new LogRecord(op, revision, string(payload), null, 0);
            case COMPACT -> new LogRecord(op, revision, null, null, 0);
          };
      return payload.hasRemaining() ? null : record;
    } catch (RuntimeException malformed) { // BufferUnderflow, negative lengths
      return null;
    }
  }

  private static String string(ByteBuffer in) {
    return new String(bytes(in), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return b;
  }
}
