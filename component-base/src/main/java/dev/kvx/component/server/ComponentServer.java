package dev.kvx.component.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A component's own HTTP(S) port with /healthz, /livez, /readyz and /metrics (upstream:
 * kube-scheduler 10259, kube-controller-manager 10257, kubelet 10250 and its healthz port 10248).
 *
 * <p>Deploy it with {@link #deploy}; {@link #actualPort()} then tells the bound port, which is
 * useful with port 0 (a free port, as tests use). Extra routes (e.g. the kubelet's /pods, /logs)
 * are added through {@code extraRoutes} before the server listens.
 */
public final class ComponentServer extends VerticleBase {
  private final Options options;
  private final HealthChecks checks;
  private final PrometheusMeterRegistry meterRegistry;
  private final Consumer<Router> extraRoutes;
  private volatile HttpServer server;

  public ComponentServer(
      Options options,
      HealthChecks checks,
      PrometheusMeterRegistry meterRegistry,
      Consumer<Router> extraRoutes) {
    this.options = Objects.requireNonNull(options, "options");
    this.checks = Objects.requireNonNull(checks, "checks");
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
    this.extraRoutes = extraRoutes != null ? extraRoutes : r -> {};
  }

  public ComponentServer(
      Options options, HealthChecks checks, PrometheusMeterRegistry meterRegistry) {
    this(options, checks, meterRegistry, null);
  }

  /** Deploys the server on {@code vertx}; the future completes once it listens. */
  public static Future<ComponentServer> deploy(
      Vertx vertx,
      Options options,
      HealthChecks checks,
      PrometheusMeterRegistry meterRegistry,
      Consumer<Router> extraRoutes) {
    ComponentServer server = new ComponentServer(options, checks, meterRegistry, extraRoutes);
    return vertx.deployVerticle(server).map(id -> server);
  }

  /**
   * {@link #deploy(Vertx, Options, HealthChecks, PrometheusMeterRegistry, Consumer)} without extra
   * routes.
   */
  public static Future<ComponentServer> deploy(
      Vertx vertx, Options options, HealthChecks checks, PrometheusMeterRegistry meterRegistry) {
    return deploy(vertx, options, checks, meterRegistry, null);
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    ComponentRoutes.mount(router, checks, meterRegistry);
    extraRoutes.accept(router);
    HttpServerOptions serverOptions = new HttpServerOptions();
    if (options.tls()) {
      serverOptions
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(options.certFile().toString())
                  .setKeyPath(options.keyFile().toString()));
    }
    return vertx
        .createHttpServer(serverOptions)
        .requestHandler(router)
        .listen(options.port(), options.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** The port the server listens on; -1 before it is deployed. */
  public int actualPort() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  /** "https" or "http", for building URLs to this server. */
  public String scheme() {
    return options.tls() ? "https" : "http";
  }

  /**
   * Where to listen: host and port (0 = a free port), and PEM certificate and key files for HTTPS
   * (both null: plain HTTP).
   */
  public record Options(String host, int port, Path certFile, Path keyFile) {
    public Options {
      Objects.requireNonNull(host, "host");
      if ((certFile == null) != (keyFile == null)) {
        throw new IllegalArgumentException("give both a certificate and a key file, or neither");
      }
    }

    public static Options http(String host, int port) {
      return new Options(host, port, null, null);
    }

    public static Options https(String host, int port, Path certFile, Path keyFile) {
      return new Options(host, port, certFile, keyFile);
    }

    public boolean tls() {
      return certFile != null;
    }
  }
}
