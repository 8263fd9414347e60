package dev.kvx.kubelet.runtime;

import java.io.InputStream;

/**
 * The streams of an exec: {@code stdin} is read by the runtime until end of stream (null when stdin
 * is not wired); output goes to {@link #stdout}/{@link #stderr} on a runtime thread, which must not
 * block for long.
 */
public interface ExecIo {
  InputStream stdin();

  void stdout(byte[] data);

  void stderr(byte[] data);
}
