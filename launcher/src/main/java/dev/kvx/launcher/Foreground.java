package dev.kvx.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one component in the foreground until SIGINT or SIGTERM, the way {@code kube-apiserver} and
 * k3s' daemons run: start it on a fresh Vert.x, report, block; on a signal the JVM's shutdown hook
 * stops the component and Vert.x within a deadline.
 *
 * @param <T> the running component
 */
public final class Foreground<T> {

  private static final Logger LOG = LoggerFactory.getLogger(Foreground.class);
  static final Duration STOP_DEADLINE = Duration.ofSeconds(20);
  static final Duration VERTX_CLOSE_DEADLINE = Duration.ofSeconds(10);

  private final String name;
  private final Function<Vertx, Future<T>> start;
  private final Function<T, Future<?>> stop;

  /**
   * @param name the component, for messages
   * @param start starts the component on the given Vert.x; called once, on the main thread
   * @param stop stops it; called from the shutdown hook
   */
  public Foreground(String name, Function<Vertx, Future<T>> start, Function<T, Future<?>> stop) {
    this.name = name;
    this.start = start;
    this.stop = stop;
  }

  /**
   * Starts the component, hands it to {@code started}, then blocks until the JVM shuts down.
   * Returns only when the start fails, with exit code 1.
   */
  public int run(Consumer<T> started) {
    Vertx vertx = Vertx.vertx();
    T component;
    try {
      component = start.apply(vertx).toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      // The message says what to fix (a port in use, etcd unreachable); the trace is for debugging.
      LOG.error("{} failed to start: {}", name, cause.toString());
      LOG.debug("{} start failure", name, cause);
      awaitStopped(vertx.close(), VERTX_CLOSE_DEADLINE);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("{} shutting down", name);
                  // Two steps from this thread: closing Vert.x from one of its own event loops
                  // would complete the close future on an executor that has just terminated.
                  awaitStopped(stop.apply(component), STOP_DEADLINE);
                  awaitStopped(vertx.close(), VERTX_CLOSE_DEADLINE);
                  stopped.countDown();
                },
                "kvx-shutdown-" + name));
    started.accept(component);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private void awaitStopped(Future<?> closing, Duration deadline) {
    try {
      closing.toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly within {}s: {}", name, deadline.toSeconds(), e.toString());
    }
  }
}
