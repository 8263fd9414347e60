package dev.kvx.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node IPAM controller against a real in-JVM API server. */
class NodeIpamControllerTest {
  @TempDir Path dir;

  private static Node node(String name, String podCidr) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withPodCIDR(podCidr)
        .withPodCIDRs(podCidr == null ? null : List.of(podCidr))
        .endSpec()
        .build();
  }

  private static void create(TestCluster c, Node n) {
    c.client().nodes().resource(n).create();
  }

  private static String podCidr(TestCluster c, String name) {
    Node n = c.client().nodes().withName(name).get();
    return n == null || n.getSpec() == null ? null : n.getSpec().getPodCIDR();
  }

  private static void assertAllocated(TestCluster c, String name, String cidr) {
    Node n = c.client().nodes().withName(name).get();
    assertThat(n.getSpec().getPodCIDR()).isEqualTo(cidr);
    assertThat(n.getSpec().getPodCIDRs()).containsExactly(cidr);
  }

  @Test
  void nodesThatBroughtACidrKeepItAndTheOthersGetTheNextFreeBlocks() throws Exception {
    try (TestCluster cluster =
        TestCluster.startWithoutControllers(dir, NodeIpamController.DESCRIPTOR)) {
      // Registered before the controller started: one set its own block (kubelet --pod-cidr).
      create(cluster, node("own", "10.244.0.0/24"));
      create(cluster, node("a", null));
      create(cluster, node("b", null));
      cluster.startControllers();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> podCidr(cluster, "a") != null && podCidr(cluster, "b") != null);
      Set<String> given = Set.of(podCidr(cluster, "a"), podCidr(cluster, "b"));
      assertThat(given).containsExactlyInAnyOrder("10.244.1.0/24", "10.244.2.0/24");
      assertAllocated(cluster, "a", podCidr(cluster, "a"));
      assertAllocated(cluster, "b", podCidr(cluster, "b"));
      assertAllocated(cluster, "own", "10.244.0.0/24");

      // A node registered while the controller runs gets the next one at once.
      create(cluster, node("c", null));
      await().atMost(Duration.ofSeconds(20)).until(() -> podCidr(cluster, "c") != null);
      assertAllocated(cluster, "c", "10.244.3.0/24");

      // A restarted controller finds the blocks on the nodes and hands out none of them again.
      cluster.stopControllers();
      create(cluster, node("d", null));
      cluster.startControllers();
      await().atMost(Duration.ofSeconds(20)).until(() -> podCidr(cluster, "d") != null);
      assertAllocated(cluster, "d", "10.244.4.0/24");
      assertThat(
              cluster.client().nodes().list().getItems().stream()
                  .map(n -> n.getSpec().getPodCIDR())
                  .collect(Collectors.toSet()))
          .hasSize(5);
    }
  }

  @Test
  void aFullRangeIsAnEventUntilADeletedNodeGivesItsBlockBack() throws Exception {
    NodeIpamConfiguration twoBlocks = new NodeIpamConfiguration(true, "10.10.0.0/23", 24);
    try (TestCluster cluster =
        TestCluster.start(dir, NodeIpamController.withConfiguration(twoBlocks))) {
      create(cluster, node("n1", null));
      await().atMost(Duration.ofSeconds(20)).until(() -> podCidr(cluster, "n1") != null);
      create(cluster, node("n2", null));
      await().atMost(Duration.ofSeconds(20)).until(() -> podCidr(cluster, "n2") != null);
      assertThat(Set.of(podCidr(cluster, "n1"), podCidr(cluster, "n2")))
          .containsExactlyInAnyOrder("10.10.0.0/24", "10.10.1.0/24");
      String freed = podCidr(cluster, "n1");

      create(cluster, node("n3", null));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(cluster.events("default", "CIDRNotAvailable"))
                      .anySatisfy(
                          e -> {
                            assertThat(e.getInvolvedObject().getName()).isEqualTo("n3");
                            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
                            assertThat(e.getMessage())
                                .isEqualTo("Node n3 status is now: CIDRNotAvailable");
                            assertThat(e.getSource().getComponent()).isEqualTo("cidrAllocator");
                          }));
      assertThat(podCidr(cluster, "n3")).isNull();

      cluster.client().nodes().withName("n1").delete();
      await().atMost(Duration.ofSeconds(20)).until(() -> podCidr(cluster, "n3") != null);
      assertAllocated(cluster, "n3", freed);
      assertAllocated(cluster, "n2", podCidr(cluster, "n2"));
    }
  }

  @Test
  void withoutAllocateNodeCidrsNodesAreLeftAlone() throws Exception {
    try (TestCluster cluster =
        TestCluster.start(
            dir, NodeIpamController.withConfiguration(NodeIpamConfiguration.disabled()))) {
      create(cluster, node("n1", null));
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> podCidr(cluster, "n1") == null);
    }
  }
}
