package dev.kvx.apiserver.storage;

import java.util.List;

/** The result of a list: the values in key order and the store revision the read was made at. */
public record RangeResult(List<KeyValue> items, long revision) {}
