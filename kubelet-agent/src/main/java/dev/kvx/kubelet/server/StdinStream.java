package dev.kvx.kubelet.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The stdin of an exec: frames arriving on the WebSocket (event loop) are queued without blocking;
 * the runtime's copier thread reads them. When more than a few frames wait, the socket is paused
 * until the reader catches up. {@link #end()} gives the reader end of file (v5's close of channel
 * 0, or the socket closing).
 */
final class StdinStream extends InputStream {
  private static final byte[] EOF = new byte[0];
  private static final int HIGH_WATER = 64;

  private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
  private final Runnable pause;
  private final Runnable resume;
  private byte[] current = new byte[0];
  private int pos;
  private volatile boolean ended;
  private boolean paused;

  StdinStream(Runnable pause, Runnable resume) {
    this.pause = pause;
    this.resume = resume;
  }

  /** Queues a frame's data (event loop; never blocks). */
  void offer(byte[] data) {
    if (ended || data.length == 0) {
      return;
    }
    frames.add(data);
    synchronized (this) {
      if (!paused && frames.size() > HIGH_WATER) {
        paused = true;
        pause.run();
      }
    }
  }

  /** No more data: the reader sees end of file once the queued frames are read. */
  void end() {
    if (!ended) {
      ended = true;
      frames.add(EOF);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (pos >= current.length) {
      if (current == EOF) {
        return -1;
      }
      try {
        current = frames.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      pos = 0;
      if (current == EOF) {
        frames.add(EOF); // stay at end of file for later reads
        return -1;
      }
      synchronized (this) {
        if (paused && frames.size() < HIGH_WATER / 2) {
          paused = false;
          resume.run();
        }
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }
}
