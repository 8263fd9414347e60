package dev.kvx.apiserver;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API server's HTTPS listeners: one HTTP server per event loop, all sharing one listening socket
 * (Vert.x server sharing), so requests are served on as many cores as there are event loops rather
 * than on one. Each server handles its connections on its own event loop; the request handling
 * behind them is shared and thread-safe.
 */
final class HttpsListeners {

  /**
   * Servers asked for port 0 listen on a negative port instead: Vert.x binds one random port and
   * shares it among the servers with the same negative value. Each API server gets its own value,
   * so two API servers in one JVM never share a socket.
   */
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

  private final Vertx vertx;
  private final String deploymentId;
  private final int port;

  private HttpsListeners(Vertx vertx, String deploymentId, int port) {
    this.vertx = vertx;
    this.deploymentId = deploymentId;
    this.port = port;
  }

  /** Listens with {@code instances} servers; completes once all listen. */
  static Future<HttpsListeners> listen(
      Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> handler, int instances) {
    int requested = options.getPort();
    int port = requested == 0 ? -1 - RANDOM_PORT_KEYS.getAndIncrement() % 30_000 : requested;
    AtomicInteger actualPort = new AtomicInteger();
    return vertx
        .deployVerticle(
            () -> new Listener(new HttpServerOptions(options).setPort(port), handler, actualPort),
            new DeploymentOptions().setInstances(Math.max(1, instances)))
        .map(id -> new HttpsListeners(vertx, id, actualPort.get()));
  }

  int port() {
    return port;
  }

  Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }

  private static final class Listener extends VerticleBase {
    private final HttpServerOptions options;
    private final Handler<HttpServerRequest> handler;
    private final AtomicInteger actualPort;

    Listener(HttpServerOptions options, Handler<HttpServerRequest> handler, AtomicInteger actualPort) {
      this.options = options;
      this.handler = handler;
      this.actualPort = actualPort;
    }

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer(options)
          .requestHandler(handler)
          .listen()
          .onSuccess(server -> actualPort.set(server.actualPort()));
    }
  }
}
