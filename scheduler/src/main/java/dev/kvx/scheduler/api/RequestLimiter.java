package dev.kvx.scheduler.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Bounds the API requests in flight, queueing the rest in order. fabric8's Vert.x client speaks
 * HTTP/1.1 with a pool of up to 8192 connections per host: without a bound, a burst of scheduling
 * decisions (thousands per second) would open nearly as many connections at once, a storm of TLS
 * handshakes that stalls the API server and the client alike. With a bound the client's connections
 * are kept alive and reused.
 *
 * <p>Thread-safe. Requests start on the submitting thread or on the thread that completed an
 * earlier one (an I/O thread), one after the other in a loop rather than recursively, so requests
 * that fail at once (a closed client) cannot exhaust the stack.
 */
final class RequestLimiter {
  private final int maxInFlight;
  private final int maxQueued;
  private final Deque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;
  // Some thread is in the start loop: it sees every slot freed and request queued meanwhile.
  private boolean starting;

  /**
   * @param maxInFlight how many requests may be in flight at once
   * @param maxQueued how many requests may wait; more are rejected (-1: no limit)
   */
  RequestLimiter(int maxInFlight, int maxQueued) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
  }

  /**
   * Starts {@code request} now or once a slot frees up; the result completes as the request's
   * future does. Fails with a {@link RejectedExecutionException} when the queue is full.
   */
  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> request) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable start =
        () -> {
          CompletableFuture<T> f;
          try {
            f = request.get();
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          f.whenComplete(
              (v, e) -> {
                release();
                if (e != null) {
                  result.completeExceptionally(e);
                } else {
                  result.complete(v);
                }
              });
        };
    synchronized (this) {
      if (maxQueued >= 0 && waiting.size() >= maxQueued && inFlight >= maxInFlight) {
        return CompletableFuture.failedFuture(
            new RejectedExecutionException("too many requests queued"));
      }
      waiting.addLast(start);
    }
    startWaiting();
    return result;
  }

  private void release() {
    synchronized (this) {
      inFlight--;
    }
    startWaiting();
  }

  /** Starts queued requests while slots are free, unless another thread is already at it. */
  private void startWaiting() {
    synchronized (this) {
      if (starting) {
        return;
      }
      starting = true;
    }
    boolean done = false;
    try {
      while (true) {
        Runnable next;
        synchronized (this) {
          if (inFlight >= maxInFlight || waiting.isEmpty()) {
            starting = false;
            done = true;
            return;
          }
          next = waiting.pollFirst();
          inFlight++;
        }
        // A request completing right away re-enters release(), which returns at once since
        // this loop is running: the loop then starts the next one.
        next.run();
      }
    } finally {
      if (!done) {
        synchronized (this) {
          starting = false;
        }
      }
    }
  }

  synchronized int inFlight() {
    return inFlight;
  }

  synchronized int queued() {
    return waiting.size();
  }
}
