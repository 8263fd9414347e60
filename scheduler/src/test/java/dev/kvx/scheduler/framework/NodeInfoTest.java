package dev.kvx.scheduler.framework;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NodeInfoTest {

  @Test
  void addingAndRemovingPodsKeepsTheSums() {
    PodInfo a =
        pod("a")
            .node("n")
            .req("cpu", "1", "memory", "1Gi")
            .hostPort("TCP", "", 80)
            .label("app", "x")
            .info();
    PodInfo b = pod("b").node("n").req("cpu", "500m").label("app", "x").info();
    NodeInfo n = NodeInfo.of(node("n").capacity("cpu", "4").obj(), a, b);

    assertThat(n.requested().milliCpu()).isEqualTo(1500);
    // Non-zero requests default per container: a's port-only container and b's one count 200Mi.
    assertThat(n.nonZeroRequested().memory())
        .isEqualTo(1024L * 1024 * 1024 + 2 * PodRequests.DEFAULT_MEMORY_REQUEST);
    assertThat(n.countPodsWithLabel(NodeInfo.labelKey("default", "app", "x"))).isEqualTo(2);
    assertThat(n.usedPorts().conflicts(new HostPortInfo.HostPort("0.0.0.0", "TCP", 80))).isTrue();

    NodeInfo copy = n.copy();
    assertThat(n.removePod(a.pod())).isTrue();

    assertThat(n.requested().milliCpu()).isEqualTo(500);
    assertThat(n.countPodsWithLabel(NodeInfo.labelKey("default", "app", "x"))).isEqualTo(1);
    assertThat(n.usedPorts().conflicts(new HostPortInfo.HostPort("0.0.0.0", "TCP", 80))).isFalse();
    assertThat(copy.requested().milliCpu()).as("copies are independent").isEqualTo(1500);
    assertThat(n.removePod(a.pod())).isFalse();
  }

  @Test
  void terminatingPodsAreNotInTheLabelIndex() {
    NodeInfo n =
        NodeInfo.of(node("n").obj(), pod("gone").node("n").label("app", "x").terminating().info());
    assertThat(n.countPodsWithLabel(NodeInfo.labelKey("default", "app", "x"))).isZero();
    assertThat(n.pods()).hasSize(1);
  }

  @Test
  void imagesAreKeptByNormalizedName() {
    NodeInfo n =
        NodeInfo.of(node("n").image(42, "busybox", "docker.io/library/busybox@sha256:abc").obj());
    assertThat(n.imageSizes())
        .containsEntry("busybox:latest", 42L)
        .containsEntry("docker.io/library/busybox@sha256:abc", 42L);
    assertThat(NodeInfo.normalizedImageName("registry:5000/app"))
        .isEqualTo("registry:5000/app:latest");
    assertThat(NodeInfo.normalizedImageName("registry:5000/app:v1"))
        .isEqualTo("registry:5000/app:v1");
  }
}
