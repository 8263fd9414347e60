package dev.kvx.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Several simulated nodes of one cluster get distinct pod CIDRs from the controller manager's node
 * IPAM controller, and their pods distinct IPs inside them (before, every agent gave its node
 * 10.244.0.0/24, so pods on different nodes shared IPs and EndpointSlices listed duplicates).
 */
class NodePodCidrsTest {

  private static Pod pod(String name, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("app")
        .withImage("registry.example/app:1")
        .endContainer()
        .endSpec()
        .build();
  }

  /** Whether IPv4 {@code ip} lies inside {@code cidr}. */
  static boolean inside(String ip, String cidr) throws Exception {
    String[] parts = cidr.split("/");
    int prefix = Integer.parseInt(parts[1]);
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    int network = ByteBuffer.wrap(InetAddress.getByName(parts[0]).getAddress()).getInt();
    int address = ByteBuffer.wrap(InetAddress.getByName(ip).getAddress()).getInt();
    return (address & mask) == (network & mask);
  }

  @Test
  void threeSimulatedNodesGetDistinctCidrsAndTheirPodsDistinctIpsInsideThem() throws Exception {
    try (LocalCluster cluster = LocalCluster.builder().nodes(3).startAndWait()) {
      KubernetesClient client = cluster.client();
      List<String> names = LocalCluster.nodeNames("kvx-node", 3);

      Map<String, String> cidrs =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () ->
                      client.nodes().list().getItems().stream()
                          .filter(n -> n.getSpec().getPodCIDR() != null)
                          .collect(
                              Collectors.toMap(
                                  n -> n.getMetadata().getName(), n -> n.getSpec().getPodCIDR())),
                  m -> m.size() == 3);
      assertThat(cidrs).containsOnlyKeys(names);
      assertThat(cidrs.values()).doesNotHaveDuplicates().allMatch(c -> c.startsWith("10.244."));
      for (Node n : client.nodes().list().getItems()) {
        assertThat(n.getSpec().getPodCIDRs()).containsExactly(n.getSpec().getPodCIDR());
      }

      for (String node : names) {
        for (int i = 0; i < 2; i++) {
          client.pods().inNamespace("default").resource(pod(node + "-p" + i, node)).create();
        }
      }
      List<Pod> pods =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> client.pods().inNamespace("default").list().getItems(),
                  l ->
                      l.size() == 6
                          && l.stream()
                              .allMatch(
                                  p ->
                                      "Running".equals(p.getStatus().getPhase())
                                          && p.getStatus().getPodIP() != null));
      assertThat(pods).extracting(p -> p.getStatus().getPodIP()).doesNotHaveDuplicates();
      for (Pod p : pods) {
        String cidr = cidrs.get(p.getSpec().getNodeName());
        assertThat(inside(p.getStatus().getPodIP(), cidr))
            .as("%s's IP %s inside %s", p.getMetadata().getName(), p.getStatus().getPodIP(), cidr)
            .isTrue();
      }
    }
  }
}
