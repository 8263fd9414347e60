package dev.kvx.kubelet.runtime;

import java.time.Instant;

/**
 * A sandbox as the runtime reports it.
 *
 * @param ready whether it runs (a stopped sandbox is NotReady and is replaced)
 * @param ip the pod IP; null while not ready
 */
public record RuntimeSandbox(
    String id, PodRef pod, int attempt, boolean ready, String ip, Instant createdAt) {}
