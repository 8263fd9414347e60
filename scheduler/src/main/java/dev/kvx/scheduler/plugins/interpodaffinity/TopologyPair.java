package dev.kvx.scheduler.plugins.interpodaffinity;

/** A topology domain: a label key and its value on some node. */
record TopologyPair(String key, String value) {}
