package dev.kvx.apiserver;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * A running API server: HTTPS on {@link #port()}, with its PKI and admin kubeconfig under the data
 * dir. Start with {@link #start}; stop with {@link #close}.
 */
public final class ApiServer {

  private final ApiServerOptions options;
  private final int port;

  private ApiServer(ApiServerOptions options, int port) {
    this.options = options;
    this.port = port;
  }

  /** Opens storage, writes PKI and kubeconfig when missing, and starts serving. */
  public static Future<ApiServer> start(Vertx vertx, ApiServerOptions options) {
    return Future.failedFuture(new UnsupportedOperationException("not wired yet"));
  }

  /** The HTTPS port actually bound. */
  public int port() {
    return port;
  }

  public ApiServerOptions options() {
    return options;
  }

  /** The admin kubeconfig written for this server. */
  public Path kubeconfig() {
    return options.kubeconfigPath();
  }

  /** Stops serving and closes storage. */
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
