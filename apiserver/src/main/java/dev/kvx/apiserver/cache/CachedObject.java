package dev.kvx.apiserver.cache;

import tools.jackson.databind.node.ObjectNode;

/**
 * One object as the watch cache holds it: parsed and serialized, with {@code
 * metadata.resourceVersion} set to the store revision that wrote it. Shared by every reader:
 * treat {@link #object} as read-only and {@code deepCopy()} it before changing anything.
 */
public record CachedObject(String key, ObjectNode object, byte[] json, long resourceVersion) {}
