package dev.kvx.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import dev.kvx.launcher.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Docker mode: a pod runs as a real container of the local engine from the local image. Without
 * Docker the extension fails this class when CI=true and skips it otherwise.
 */
@KvxCluster(runtime = LocalCluster.Runtime.DOCKER)
class KvxClusterDockerTest {

  @Test
  void aPodRunsAsARealContainer(LocalCluster cluster, KubernetesClient client) throws Exception {
    String node = cluster.nodeNames().get(0);
    assertThat(node).startsWith("kvx-test-"); // unique per class: test clusters share the engine
    client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("real")
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("app")
                .withImage("kvx/busybox:latest")
                .withImagePullPolicy("Never")
                .withCommand("sleep", "3600")
                .endContainer()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Pod p = client.pods().inNamespace("default").withName("real").get();
              return "Running".equals(p.getStatus().getPhase());
            });

    try (DockerClient docker = DockerClients.connect(null)) {
      List<Container> app =
          docker
              .listContainersCmd()
              .withLabelFilter(
                  Map.of(
                      RuntimeLabels.NODE, node,
                      RuntimeLabels.POD_NAME, "real",
                      RuntimeLabels.CONTAINER_NAME, "app"))
              .exec();
      assertThat(app).hasSize(1);
      assertThat(app.get(0).getState()).isEqualTo("running");
      assertThat(app.get(0).getImage()).isEqualTo("kvx/busybox:latest");
    }
    Pod p = client.pods().inNamespace("default").withName("real").get();
    assertThat(p.getStatus().getPodIP()).isNotBlank().doesNotStartWith("10.244.");
  }
}
