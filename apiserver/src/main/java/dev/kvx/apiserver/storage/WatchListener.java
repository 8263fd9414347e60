package dev.kvx.apiserver.storage;

import java.util.List;

/** Receives a storage watch's events, in revision order, one call at a time. Must not block. */
public interface WatchListener {

  /** A batch of events, ordered by revision. */
  void onEvents(List<WatchEvent> events);

  /**
   * The watch ended with an error (e.g. {@link StorageException.Compacted}, or a lost
   * connection). No call follows.
   */
  void onError(Throwable error);
}
