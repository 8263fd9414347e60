package dev.kvx.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent that restarts adopts the containers it finds and removes those of deleted pods. */
class DockerAdoptionTest {
  @TempDir Path dir;
  DockerClient docker;
  String node;
  ClusterSupport cluster;
  KubeletAgent agent;

  @BeforeEach
  void setUp() throws Exception {
    docker = DockerSupport.requireDocker();
    node = DockerSupport.uniqueNodeName("adopt");
    cluster = new ClusterSupport(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close().await();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (docker != null) {
      DockerSupport.removeNodeContainers(docker, node);
      docker.close();
    }
  }

  private KubeletAgent start() {
    return cluster.startAgent(
        cluster
            .agentOptions(node, dir.resolve("agent"))
            .sandboxImage(DockerSupport.IMAGE)
            .sandboxCommand(DockerSupport.SANDBOX_COMMAND));
  }

  private Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("c")
        .withImage(DockerSupport.IMAGE)
        .withImagePullPolicy("Never")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .build();
  }

  private List<Container> containersOf(String uid) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(RuntimeLabels.POD_UID, uid))
        .exec();
  }

  @Test
  void aRestartedAgentAdoptsRunningContainersAndRemovesOrphans() {
    agent = start();
    String keepUid =
        cluster
            .client
            .pods()
            .inNamespace("default")
            .resource(pod("keep"))
            .create()
            .getMetadata()
            .getUid();
    String goneUid =
        cluster
            .client
            .pods()
            .inNamespace("default")
            .resource(pod("gone"))
            .create()
            .getMetadata()
            .getUid();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(cluster.pod("default", "keep").getStatus().getPhase())
                  .isEqualTo("Running");
              assertThat(cluster.pod("default", "gone").getStatus().getPhase())
                  .isEqualTo("Running");
            });
    Pod before = cluster.pod("default", "keep");
    ContainerStatus c = before.getStatus().getContainerStatuses().get(0);

    agent.close().await();
    agent = null;
    // While the agent is down the pod is force-deleted: nothing stops its containers.
    cluster.client.pods().inNamespace("default").withName("gone").withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.pod("default", "gone") == null);
    assertThat(containersOf(goneUid)).hasSize(2).allMatch(x -> x.getState().equals("running"));

    agent = start();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(containersOf(goneUid)).isEmpty());
    Pod after = cluster.pod("default", "keep");
    assertThat(after.getStatus().getPhase()).isEqualTo("Running");
    assertThat(after.getStatus().getPodIP()).isEqualTo(before.getStatus().getPodIP());
    ContainerStatus adopted = after.getStatus().getContainerStatuses().get(0);
    assertThat(adopted.getContainerID()).isEqualTo(c.getContainerID());
    assertThat(adopted.getRestartCount()).isZero();
    assertThat(adopted.getState().getRunning().getStartedAt())
        .isEqualTo(c.getState().getRunning().getStartedAt());
    assertThat(containersOf(keepUid)).hasSize(2).allMatch(x -> x.getState().equals("running"));
  }
}
