package dev.kvx.kubelet.runtime;

/** A running log stream; closing it stops a followed stream (the sink then gets its end). */
public interface LogStream extends AutoCloseable {
  @Override
  void close();
}
