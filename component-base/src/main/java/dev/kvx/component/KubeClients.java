package dev.kvx.component;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Builds the fabric8 client a component talks to the API server with, from its {@code --kubeconfig}
 * file, on fabric8's Vert.x 5 HTTP client.
 *
 * <p>Timeouts: 10 s to connect, 30 s per request (a full list of a large cluster must fit), watches
 * reconnect after 1 s and forever. The user agent names the component, as upstream's {@code
 * kube-scheduler/v1.x} does, so API server logs and metrics tell the components apart.
 *
 * <p>The client's synchronous calls block: call them from worker threads, never on an event loop.
 */
public final class KubeClients {
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  static final int REQUEST_TIMEOUT_MILLIS = 30_000;
  static final int WATCH_RECONNECT_INTERVAL_MILLIS = 1_000;

  private KubeClients() {}

  /**
   * A client for the kubeconfig at {@code kubeconfig} (its current context), with its own Vert.x.
   */
  public static KubernetesClient fromKubeconfig(Path kubeconfig, String userAgent) {
    return build(
        Config.fromKubeconfig(kubeconfig.toFile()), userAgent, new Vertx5HttpClientFactory());
  }

  /**
   * A client for the kubeconfig at {@code kubeconfig} sharing the component's Vert.x instance
   * (closing the client does not close it). Its I/O then runs on that instance's event loops.
   */
  public static KubernetesClient fromKubeconfig(Path kubeconfig, String userAgent, Vertx vertx) {
    return build(
        Config.fromKubeconfig(kubeconfig.toFile()), userAgent, new Vertx5HttpClientFactory(vertx));
  }

  /** A client for an already loaded {@code config} (e.g. a test server's), tuned the same way. */
  public static KubernetesClient fromConfig(Config config, String userAgent) {
    return build(config, userAgent, new Vertx5HttpClientFactory());
  }

  static Config tune(Config base, String userAgent) {
    ConfigBuilder builder =
        new ConfigBuilder(base)
            .withConnectionTimeout(CONNECT_TIMEOUT_MILLIS)
            .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
            .withWatchReconnectInterval(WATCH_RECONNECT_INTERVAL_MILLIS)
            .withWatchReconnectLimit(-1);
    if (userAgent != null && !userAgent.isEmpty()) {
      builder.withUserAgent(userAgent);
    }
    return builder.build();
  }

  private static KubernetesClient build(
      Config config, String userAgent, Vertx5HttpClientFactory httpClientFactory) {
    return new KubernetesClientBuilder()
        .withConfig(tune(config, userAgent))
        .withHttpClientFactory(httpClientFactory)
        .build();
  }
}
