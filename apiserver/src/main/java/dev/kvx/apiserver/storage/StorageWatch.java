package dev.kvx.apiserver.storage;

/** A running storage watch. */
public interface StorageWatch extends AutoCloseable {
  /** Stops delivery. Idempotent; no listener call starts after it returns. */
  @Override
  void close();
}
