package dev.kvx.kubelet;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real in-JVM API server (in-memory store) and a fabric8 client for it; agents under test are
 * started against its kubeconfig and observed only through the API, as any component would be.
 */
public final class ClusterSupport implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final ApiServer server;
  public final KubernetesClient client;

  public ClusterSupport(Path dir) throws Exception {
    server = ApiServer.start(vertx, ApiServerOptions.forTest(dir.resolve("apiserver"))).await();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())))
            .build();
  }

  public Path kubeconfig() {
    return server.kubeconfig();
  }

  /** Options for an agent against this server, with test-friendly periods. */
  public KubeletOptions agentOptions(String nodeName, Path rootDir) {
    return new KubeletOptions()
        .kubeconfig(server.kubeconfig())
        .nodeName(nodeName)
        .rootDir(rootDir)
        .address("127.0.0.1")
        .port(0)
        .nodeIp("127.0.0.1")
        .timings(
            KubeletTimings.upstream()
                .withPlegRelistPeriod(Duration.ofMillis(300))
                .withNodeStatus(
                    Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(2)));
  }

  public KubeletAgent startAgent(KubeletOptions options) {
    return KubeletAgent.start(vertx, options).await();
  }

  public Pod pod(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get();
  }

  @Override
  public void close() {
    client.close();
    server.close().await();
    vertx.close().await();
  }
}
