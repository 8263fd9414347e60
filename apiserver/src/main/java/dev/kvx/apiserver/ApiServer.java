package dev.kvx.apiserver;

import dev.kvx.apiserver.auth.Kubeconfigs;
import dev.kvx.apiserver.auth.Pki;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.schema.BuiltinSchemas;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.storage.InstrumentedStorage;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.Storages;
import dev.kvx.component.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running API server: HTTPS on {@link #port()}, with its PKI and admin kubeconfig under the data
 * dir. Start with {@link #start}; stop with {@link #close}.
 */
public final class ApiServer {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  /** Events each resource keeps for watches that resume from an older resourceVersion. */
  private static final int WATCH_HISTORY = 10_000;

  private final ApiServerOptions options;
  private final Storage storage;
  private final WatchCache cache;
  private final Metrics metrics;
  private final HttpsListeners server;
  private final ResourceRegistry registry;

  private ApiServer(
      ApiServerOptions options, Storage storage, WatchCache cache, Metrics metrics, HttpsListeners server,
      ResourceRegistry registry) {
    this.options = options;
    this.storage = storage;
    this.cache = cache;
    this.metrics = metrics;
    this.server = server;
    this.registry = registry;
  }

  /** Opens storage, writes PKI and kubeconfig when missing, and starts serving. */
  public static Future<ApiServer> start(Vertx vertx, ApiServerOptions options) {
    Metrics metrics = Metrics.create();
    ResourceRegistry registry = ResourceRegistry.withBuiltins();
    // The start-up steps that do not need each other run side by side on worker threads: each is
    // CPU-bound (key generation, reflection over fabric8's model, protobuf descriptors), and one
    // after the other they left every core but one idle for most of a cold start.
    Future<Pki> pki = blocking(vertx, () -> {
      Files.createDirectories(options.dataDir());
      return Pki.loadOrCreate(options.dataDir(),
          List.of(options.bindAddress(), Pki.kubernetesServiceIp(options.serviceClusterIpRange())));
    });
    Future<Storage> storage = blocking(vertx, () -> {
      Files.createDirectories(options.dataDir());
      return new InstrumentedStorage(
          Storages.open(vertx, options.etcdServers(), options.dataDir(), options.inMemory()),
          metrics.registry());
    });
    // The first schema build introspects hundreds of model classes, and the protobuf descriptors of
    // client-java-proto take seconds of class initialisation: both are done before the server
    // listens, so no request pays for them on an event loop.
    Future<Void> preloaded = Future.all(
        blocking(vertx, () -> {
          BuiltinSchemas.preload(BuiltinResources.ALL);
          return null;
        }),
        blocking(vertx, () -> {
          Class.forName("dev.kvx.apiserver.protobuf.KubernetesProtoTypes", true,
              ApiServer.class.getClassLoader());
          return null;
        })).mapEmpty();
    return Future.join(pki, storage).compose(
        v -> serve(vertx, options, registry, metrics, new Opened(pki.result(), storage.result()), preloaded),
        e -> {
          if (storage.succeeded()) {
            storage.result().close(); // the PKI failed: nothing will serve this storage
          }
          return Future.failedFuture(e);
        });
  }

  private static Future<ApiServer> serve(Vertx vertx, ApiServerOptions options, ResourceRegistry registry,
      Metrics metrics, Opened opened, Future<Void> preloaded) {
    WatchCache cache = new WatchCache(vertx, opened.storage, WATCH_HISTORY);
    for (ResourceType t : registry.storageTypes()) {
      cache.track(t.storagePrefix());
      Gauge.builder("apiserver_storage_objects", () -> cache.count(t.storagePrefix()))
          .description("Number of stored objects at the time of last check split by kind.")
          .tag("resource", t.groupResource())
          .register(metrics.registry());
    }
    registry.onAdd(t -> cache.track(t.storagePrefix()));
    return cache.start()
        .compose(v -> {
          // Building the routes loads most of the server's classes: keep that off the event loop.
          return blocking(vertx,
              () -> new ApiRoutes(vertx, options, registry, opened.storage, cache, opened.pki, metrics));
        })
        .compose(routes -> preloaded.map(routes))
        .compose(routes -> {
          HttpServerOptions http = new HttpServerOptions()
              .setHost(options.bindAddress())
              .setPort(options.securePort())
              .setMaxInitialLineLength(16 * 1024)
              .setCompressionSupported(false);
          return HttpsListeners.listen(vertx, routes.tls(http), routes.router(), options.eventLoops())
              .compose(server -> routes.bootstrap(server.port()).map(server));
        })
        .compose(server -> vertx.executeBlocking(() -> {
          String host = options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::")
              ? "127.0.0.1" : options.bindAddress();
          warmTls(host, server.port(), opened.pki);
          Kubeconfigs.writeAdmin(options.kubeconfigPath(), "https://" + hostPort(host, server.port()),
              opened.pki);
          LOG.info("API server listening on https://{}:{} (storage: {}); kubeconfig {}", options.bindAddress(),
              server.port(), opened.storage.backendName(), options.kubeconfigPath());
          return new ApiServer(options, opened.storage, cache, metrics, server, registry);
        }))
        .onFailure(t -> {
          cache.close();
          opened.storage.close();
        });
  }

  /** Blocking work on a worker thread, concurrently with the caller's other blocking work. */
  private static <T> Future<T> blocking(Vertx vertx, java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /**
   * One TLS handshake with ourselves before announcing readiness: the JDK's TLS machinery loads and
   * initialises on first use, which would otherwise stall the event loop serving the first client.
   */
  private static void warmTls(String host, int port, Pki pki) {
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", pki.caCertificate());
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ssl.getSocketFactory()
          .createSocket(host, port)) {
        socket.setSoTimeout(30_000);
        socket.startHandshake();
      }
    } catch (Exception e) {
      LOG.debug("TLS warm-up failed: {}", e.toString());
    }
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private record Opened(Pki pki, Storage storage) {}

  /** The HTTPS port actually bound. */
  public int port() {
    return server.port();
  }

  public ApiServerOptions options() {
    return options;
  }

  public ResourceRegistry registry() {
    return registry;
  }

  /** The server's own metrics registry (what /metrics renders). */
  public io.micrometer.prometheusmetrics.PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** The admin kubeconfig written for this server. */
  public Path kubeconfig() {
    return options.kubeconfigPath();
  }

  /** Stops serving and closes storage. */
  public Future<Void> close() {
    return server.close().eventually(() -> {
      cache.close();
      storage.close();
      metrics.close();
      return Future.succeededFuture();
    });
  }
}
