package dev.kvx.apiserver.storage;

import io.vertx.core.Future;

/**
 * The API server's one seam to its database: a flat, revisioned key-value store with etcd's
 * semantics. Every write advances a single cluster-wide revision; every reply carries the revision
 * it was read or written at.
 *
 * <p>Contract, shared by every backend and checked by {@code StorageContractTest}:
 *
 * <ul>
 *   <li>Revisions start above 0 and strictly increase by one per successful write (create, update,
 *       delete). {@link KeyValue#modRevision()} is the revision of the write that produced it.
 *   <li>{@code create} fails with {@link StorageException.KeyExists} when the key exists.
 *   <li>{@code update} and {@code delete} are compare-and-swap on {@code modRevision}: a mismatch
 *       fails with {@link StorageException.Conflict} carrying the current value; an absent key
 *       fails with {@link StorageException.KeyNotFound}. An expected revision of 0 means "any".
 *   <li>{@code watch(prefix, startRevision)} delivers, in revision order, every change to keys under
 *       the prefix with {@code revision >= startRevision}; {@code 0} means "from the next write"
 *       (etcd's semantics). A start revision at or below the compacted revision, or older than
 *       the history a backend retains, fails the watch with {@link StorageException.Compacted}
 *       (etcd alone still serves a watch from exactly its compacted revision: do not rely on
 *       either outcome at that one revision).
 *   <li>Values are not copied: a caller must not modify an array after handing it to a write or
 *       receiving it from a read or an event.
 * </ul>
 *
 * <p>Threading: no method blocks (except {@link #close}, which may wait briefly for in-flight
 * work). Returned futures complete on the calling Vert.x context when called from one, otherwise
 * on a backend thread, where callbacks must not block. Watch listeners are called on a backend
 * thread, in order, one call at a time; they must return quickly.
 */
public interface Storage extends AutoCloseable {

  /** The key's current value, or a succeeded future with {@code null} when it is absent. */
  Future<KeyValue> get(String key);

  /** Every key under {@code prefix} (keys in byte order) and the revision the read was made at. */
  Future<RangeResult> list(String prefix);

  /** Stores a new key; fails with {@link StorageException.KeyExists} when it exists. */
  Future<KeyValue> create(String key, byte[] value);

  /**
   * Replaces the value when the key's modRevision equals {@code expectedModRevision} (0: any).
   * Returns the stored value with its new modRevision.
   */
  Future<KeyValue> update(String key, byte[] value, long expectedModRevision);

  /**
   * Deletes the key when its modRevision equals {@code expectedModRevision} (0: any). Returns the
   * deleted value; its {@code modRevision} is the revision of the delete.
   */
  Future<KeyValue> delete(String key, long expectedModRevision);

  /** The store's current revision (the revision of the last write). */
  Future<Long> currentRevision();

  /** Starts a watch; see the class contract. Close the returned handle to stop it. */
  StorageWatch watch(String prefix, long startRevision, WatchListener listener);

  /** Discards history at and below {@code revision}; later watches from there fail Compacted. */
  Future<Void> compact(long revision);

  /** The backend's name as shown in metrics labels: {@code etcd} or {@code embedded}. */
  String backendName();

  /** Releases connections and files. Idempotent. */
  @Override
  void close();
}
