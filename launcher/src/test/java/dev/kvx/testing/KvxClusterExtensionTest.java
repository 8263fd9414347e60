package dev.kvx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.launcher.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extension as a user meets it: an in-JVM simulated cluster whose controllers really work (a
 * Deployment's pods run on the simulated nodes; a deleted namespace is emptied and disappears).
 */
@KvxCluster(nodes = 2)
class KvxClusterExtensionTest {

  static LocalCluster staticCluster;
  KubernetesClient client;
  @Kubeconfig Path kubeconfig;

  @BeforeAll
  static void clusterIsThereBeforeAll(LocalCluster cluster) {
    assertThat(staticCluster).isSameAs(cluster);
  }

  @Test
  void injectsTheClusterItsClientAndKubeconfig(LocalCluster cluster, KubernetesClient param, Path path)
      throws Exception {
    assertThat(client).isSameAs(param).isSameAs(cluster.client());
    assertThat(kubeconfig).isEqualTo(path).isEqualTo(cluster.kubeconfig());
    assertThat(Files.readString(kubeconfig)).contains(cluster.apiUrl());
    assertThat(client.nodes().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactlyInAnyOrder("kvx-node-1", "kvx-node-2");
  }

  @Test
  void aDeploymentsPodsRunOnTheSimulatedNodes() {
    client.namespaces().resource(namespace("web")).create();
    client.apps().deployments().inNamespace("web").resource(deployment("web", 3)).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Pod> pods = client.pods().inNamespace("web").withLabel("app", "web").list().getItems();
              assertThat(pods).hasSize(3);
              assertThat(pods).allMatch(p -> "Running".equals(p.getStatus().getPhase()));
              assertThat(pods).allMatch(p -> p.getSpec().getNodeName().startsWith("kvx-node-"));
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Integer.valueOf(3)
                    .equals(
                        client.apps().deployments().inNamespace("web").withName("web").get()
                            .getStatus().getAvailableReplicas()));
  }

  @Test
  void aDeletedNamespaceIsEmptiedAndGone() {
    client.namespaces().resource(namespace("doomed")).create();
    client
        .configMaps()
        .inNamespace("doomed")
        .resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
        .create();
    client.apps().deployments().inNamespace("doomed").resource(deployment("d", 1)).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !client.pods().inNamespace("doomed").list().getItems().isEmpty());

    client.namespaces().withName("doomed").delete();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.namespaces().withName("doomed").get() == null);
    assertThat(client.configMaps().inNamespace("doomed").list().getItems()).isEmpty();
    assertThat(client.pods().inNamespace("doomed").list().getItems()).isEmpty();
  }

  static io.fabric8.kubernetes.api.model.Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static Deployment deployment(String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("kvx/busybox:latest")
        .withImagePullPolicy("Never")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
