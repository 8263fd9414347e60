package dev.kvx.kubelet.runtime;

/**
 * Receives a log stream, on a runtime thread: chunks in order, then exactly one {@link #end}. It
 * must not block for long (hand the bytes on).
 */
public interface LogSink {
  void chunk(byte[] data, boolean stderr);

  /** The stream ended: {@code error} is null when it ended normally. */
  void end(Throwable error);
}
