package dev.kvx.kubelet.server;

import dev.kvx.component.server.ComponentRoutes;
import dev.kvx.component.server.HealthChecks;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The agent's HTTPS port (the kubelet's 10250): /healthz /livez /readyz /metrics through
 * component-base's routes, plus the node's own routes (container logs, exec, port forwarding).
 *
 * <p>Authentication as the kubelet's x509 authenticator: clients may present a certificate signed
 * by the client CA (the cluster CA: the API server's kubelet-client certificate, or an admin's);
 * {@link #requireClientCertificate} guards the routes that reach into containers. Health and
 * metrics stay open. This is its own verticle rather than {@code ComponentServer} because that one
 * cannot ask for client certificates.
 */
public final class KubeletServer extends VerticleBase {
  /**
   * The sub-protocols the exec WebSocket speaks, newest first; port forwarding speaks {@code
   * v4.channel.k8s.io} (or none).
   */
  public static final List<String> WEBSOCKET_SUBPROTOCOLS =
      List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io");

  private final String host;
  private final int port;
  private final Path certFile;
  private final Path keyFile;
  private final String clientCaPem;
  private final HealthChecks checks;
  private final PrometheusMeterRegistry registry;
  private final Consumer<Router> routes;
  private volatile HttpServer server;

  /**
   * @param clientCaPem the CA (PEM) of accepted client certificates; null: no client is trusted
   */
  public KubeletServer(
      String host,
      int port,
      Path certFile,
      Path keyFile,
      String clientCaPem,
      HealthChecks checks,
      PrometheusMeterRegistry registry,
      Consumer<Router> routes) {
    this.host = host;
    this.port = port;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.clientCaPem = clientCaPem;
    this.checks = checks;
    this.registry = registry;
    this.routes = routes;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    ComponentRoutes.mount(router, checks, registry);
    routes.accept(router);
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(certFile.toString())
                    .setKeyPath(keyFile.toString()))
            .setWebSocketSubProtocols(WEBSOCKET_SUBPROTOCOLS)
            .setCompressionSupported(false);
    if (clientCaPem != null) {
      options
          .setClientAuth(ClientAuth.REQUEST)
          .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(clientCaPem)));
    }
    return vertx
        .createHttpServer(options)
        .requestHandler(router)
        .listen(port, host)
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** The bound port; -1 before start. */
  public int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  /**
   * Passes requests with a verified client certificate on; others get 401 Unauthorized, as the
   * kubelet answers unauthenticated requests.
   */
  public static void requireClientCertificate(RoutingContext ctx) {
    try {
      if (ctx.request().isSSL() && !ctx.request().connection().peerCertificates().isEmpty()) {
        ctx.next();
        return;
      }
    } catch (SSLPeerUnverifiedException e) {
      // no certificate presented
    }
    ctx.response()
        .setStatusCode(401)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("Unauthorized");
  }
}
