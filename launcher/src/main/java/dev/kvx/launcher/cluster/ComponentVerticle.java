package dev.kvx.launcher.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster component as a verticle: {@link #start} runs the component's own public entry point
 * ({@code ApiServer.start}, {@code KubeScheduler.start}, …) on this verticle's context, {@link
 * #stop} its {@code close}. Undeploying the verticle stops the component, so a {@link LocalCluster}
 * stops, restarts or replaces one component without touching the others.
 *
 * @param <T> the running component
 */
final class ComponentVerticle<T> extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ComponentVerticle.class);
  private static final long SLOW_STOP_MILLIS = 2_000;

  private final String name;
  private final Function<Vertx, Future<T>> starter;
  private final Function<T, Future<?>> stopper;
  private volatile T component;

  ComponentVerticle(
      String name, Function<Vertx, Future<T>> starter, Function<T, Future<?>> stopper) {
    this.name = name;
    this.starter = starter;
    this.stopper = stopper;
  }

  @Override
  public Future<?> start() {
    return starter.apply(vertx).onSuccess(c -> component = c);
  }

  /**
   * Vert.x undeploys the verticles a component deployed itself (its health and metrics server)
   * before this stop runs, so the component's own undeploy of them fails with "Unknown
   * deployment" after everything else in its close has run: that failure is expected, not a leak.
   */
  @Override
  public Future<?> stop() {
    T c = component;
    if (c == null) {
      return Future.succeededFuture();
    }
    long t0 = System.nanoTime();
    return stopper
        .apply(c)
        .recover(
            e -> {
              LOG.debug("{} close: {}", name, e.toString());
              return Future.succeededFuture();
            })
        .onComplete(
            x -> {
              long millis = (System.nanoTime() - t0) / 1_000_000;
              if (millis > SLOW_STOP_MILLIS) {
                LOG.info("{} took {} ms to stop", name, millis);
              } else {
                LOG.debug("{} stopped in {} ms", name, millis);
              }
            });
  }

  /** The running component; null before the start completed. */
  T component() {
    return component;
  }
}
