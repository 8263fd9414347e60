package dev.kvx.kubelet.runtime;

/**
 * Which streams of a container's main process an attach wires (CRI's {@code AttachRequest}). {@code
 * tty} must match how the container was created: a process' terminal cannot change once it runs, so
 * the caller takes it from the container's spec, as the kubelet does.
 */
public record AttachConfig(boolean stdin, boolean stdout, boolean stderr, boolean tty) {}
