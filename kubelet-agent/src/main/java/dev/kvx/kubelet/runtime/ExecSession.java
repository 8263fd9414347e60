package dev.kvx.kubelet.runtime;

import java.time.Duration;

/** A command started in a container. */
public interface ExecSession extends AutoCloseable {

  /**
   * Blocks until the command exits and its output was delivered; returns its exit code, or null if
   * it did not finish within {@code timeout}.
   */
  Integer awaitExit(Duration timeout) throws InterruptedException;

  /** Resizes the command's terminal (tty execs). */
  void resize(int width, int height);

  /** Detaches from the command (it may keep running in the container). */
  @Override
  void close();
}
