package dev.kvx.apiserver.storage;

/**
 * One change seen by a storage watch. For {@link Type#DELETE}, {@code kv.value()} is the value the
 * key had before it was deleted and {@code kv.modRevision()} is the revision of the delete. For a
 * {@link Type#PUT}, {@code prevValue} is the value before the write, or {@code null} on create.
 */
public record WatchEvent(Type type, KeyValue kv, byte[] prevValue) {
  public enum Type {
    PUT,
    DELETE
  }

  public long revision() {
    return kv.modRevision();
  }
}
