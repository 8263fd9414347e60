package dev.kvx.kubelet.runtime;

import java.time.Instant;

/**
 * What part of a container's log to stream (the kubelet's {@code PodLogOptions}).
 *
 * @param follow keep streaming until the container exits or the stream is closed
 * @param tailLines only the last lines; null: all
 * @param since only lines logged at or after; null: all
 * @param timestamps prefix each line with its RFC 3339 time and a space
 */
public record LogOptions(boolean follow, Integer tailLines, Instant since, boolean timestamps) {}
