package dev.kvx.apiserver.storage;

/** The storage errors every backend reports; the REST layer maps each to one Kubernetes Status. */
public abstract sealed class StorageException extends RuntimeException {

  private final String key;

  protected StorageException(String key, String message) {
    super(message);
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** {@link Storage#create} on a key that exists. */
  public static final class KeyExists extends StorageException {
    public KeyExists(String key) {
      super(key, "key exists: " + key);
    }
  }

  /** {@link Storage#update} or {@link Storage#delete} on an absent key. */
  public static final class KeyNotFound extends StorageException {
    public KeyNotFound(String key) {
      super(key, "key not found: " + key);
    }
  }

  /** A compare-and-swap whose expected modRevision is not the current one. */
  public static final class Conflict extends StorageException {
    private final KeyValue current;

    public Conflict(String key, KeyValue current) {
      super(key, "revision mismatch on " + key);
      this.current = current;
    }

    /** The value the key has now. */
    public KeyValue current() {
      return current;
    }
  }

  /** A watch or read at a revision that has been compacted away. */
  public static final class Compacted extends StorageException {
    private final long compactedRevision;

    public Compacted(String key, long requested, long compactedRevision) {
      super(
          key,
          "required revision " + requested + " has been compacted (compacted revision "
              + compactedRevision + ")");
      this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
      return compactedRevision;
    }
  }

  /** The backend cannot be reached or failed; maps to 500/503. */
  public static final class Unavailable extends StorageException {
    public Unavailable(String key, String message, Throwable cause) {
      super(key, message);
      initCause(cause);
    }
  }
}
