package dev.kvx.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.launcher.cluster.LocalCluster.Component;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-JVM cluster: start-up to Ready, node loss and return, restarts, persistence. */
class LocalClusterTest {

  @TempDir Path dir;

  @Test
  void startsReadyWithNamedNodesOnAnInMemoryStoreThatCannotRestart() {
    List<String> progress = new CopyOnWriteArrayList<>();
    try (LocalCluster cluster =
        LocalCluster.builder().nodes(2).progress(progress::add).startAndWait()) {
      KubernetesClient client = cluster.client();
      assertThat(client.nodes().list().getItems())
          .extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("kvx-node-1", "kvx-node-2");
      assertThat(client.nodes().list().getItems()).allMatch(ClusterReadiness::isReady);
      assertThat(progress).contains("node kvx-node-1 Ready", "node kvx-node-2 Ready");
      assertThat(Files.isReadable(cluster.kubeconfig())).isTrue();
      assertThat(cluster.metricsEndpoints())
          .containsKeys(
              LocalCluster.APISERVER_METRICS,
              LocalCluster.SCHEDULER_METRICS,
              LocalCluster.CONTROLLER_MANAGER_METRICS,
              "kubelet/kvx-node-1",
              "kubelet/kvx-node-2");

      assertThatThrownBy(() -> cluster.restart(Component.APISERVER).await())
          .hasMessageContaining("in-memory");
      assertThatThrownBy(() -> cluster.stopNode("nope"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void stopsAndStartsANodeAndRestartsTheControlPlaneOnItsDataDir() {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .dataDir(dir)
            .nodes(2)
            .kubelet(
                o ->
                    o.timings(
                        o.timings()
                            .withNodeStatus(
                                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(2))))
            .startAndWait()) {
      KubernetesClient client = cluster.client();
      int port = cluster.apiPort();
      client
          .configMaps()
          .inNamespace("default")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("kept").endMetadata().build())
          .create();

      cluster.restart(Component.APISERVER).await();
      assertThat(cluster.apiPort()).isEqualTo(port);
      assertThat(client.configMaps().inNamespace("default").withName("kept").get()).isNotNull();
      cluster.restart(Component.SCHEDULER).await();
      cluster.restart(Component.CONTROLLER_MANAGER).await();

      cluster.stopNode("kvx-node-2").await();
      assertThat(cluster.metricsEndpoints()).doesNotContainKey("kubelet/kvx-node-2");
      cluster.startNode("kvx-node-2").await();
      Node n = client.nodes().withName("kvx-node-2").get();
      assertThat(ClusterReadiness.isReady(n)).isTrue();
    }
    // A second cluster on the same dir finds the objects of the first.
    try (LocalCluster again = LocalCluster.builder().dataDir(dir).nodes(2).startAndWait()) {
      assertThat(again.client().configMaps().inNamespace("default").withName("kept").get())
          .isNotNull();
    }
  }
}
