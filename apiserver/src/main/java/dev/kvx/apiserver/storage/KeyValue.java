package dev.kvx.apiserver.storage;

/**
 * One stored value and its revisions, as etcd's mvccpb.KeyValue. For a delete event or the result
 * of {@link Storage#delete}, {@code value} is the last value before the delete and {@code
 * modRevision} is the revision of the delete.
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {}
