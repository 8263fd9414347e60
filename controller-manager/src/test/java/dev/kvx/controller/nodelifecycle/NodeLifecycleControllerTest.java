package dev.kvx.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.common.Times;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLifecycleControllerTest {
  @TempDir Path dir;

  private static Pod pod(String name, List<Toleration> tolerations) {
    return new PodBuilder().withNewMetadata().withNamespace("nl").withName(name).endMetadata()
        .withSpec(TestCluster.template(Map.of(), "img").getSpec())
        .editSpec().withNodeName("n1").withTolerations(tolerations).endSpec().build();
  }

  private static boolean gone(TestCluster c, String name) {
    Pod p = c.client().pods().inNamespace("nl").withName(name).get();
    return p == null || p.getMetadata().getDeletionTimestamp() != null;
  }

  private static List<Taint> taints(TestCluster c) {
    Node n = c.client().nodes().withName("n1").get();
    return n.getSpec() == null || n.getSpec().getTaints() == null ? List.of() : n.getSpec().getTaints();
  }

  /** Renews n1's Lease and posts Ready=True now (on the fake clock), as a kubelet; returns now. */
  private java.time.Instant heartbeat(TestCluster cluster) {
    var now = cluster.clock().now();
    cluster.client().leases().inNamespace("kube-node-lease").withName("n1").edit(l -> new LeaseBuilder(l)
        .editSpec().withRenewTime(now.atZone(ZoneOffset.UTC)).endSpec().build());
    TestCluster.retryOnConflict(() -> {
      Node node = cluster.client().nodes().withName("n1").get();
      if (node.getStatus() == null) {
        node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
      }
      node.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready").withStatus("True")
          .withReason("KubeletReady").withLastHeartbeatTime(Times.format(now)).withLastTransitionTime(Times.format(now)).build()));
      return cluster.client().nodes().resource(node).updateStatus();
    });
    return now;
  }

  /** Node n1 and its Lease, as a kubelet registers them, with a first heartbeat (returned). */
  private java.time.Instant registerNode(TestCluster cluster) {
    cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
    cluster.client().leases().resource(new LeaseBuilder().withNewMetadata().withNamespace("kube-node-lease").withName("n1").endMetadata()
        .withNewSpec().withHolderIdentity("n1").withLeaseDurationSeconds(40).endSpec().build()).create();
    return heartbeat(cluster);
  }

  private static String readyStatus(TestCluster c) {
    return readyStatus(c, "n1");
  }

  private static String readyStatus(TestCluster c, String node) {
    Node n = c.client().nodes().withName(node).get();
    return n.getStatus() == null || n.getStatus().getConditions() == null ? null
        : n.getStatus().getConditions().stream().filter(x -> "Ready".equals(x.getType()))
            .map(x -> x.getStatus()).findFirst().orElse(null);
  }

  @Test
  void unrenewedLeaseTaintsTheNodeAndEvictsPodsByTheirTolerations() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, NodeLifecycleController.DESCRIPTOR)) {
      cluster.createNamespace("nl");
      registerNode(cluster);
      Toleration unreachable300 = new TolerationBuilder().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
          .withEffect("NoExecute").withTolerationSeconds(300L).build();
      Toleration everything = new TolerationBuilder().withOperator("Exists").build();
      // The API server's DefaultTolerationSeconds gives every pod 300 s; this one asks for none.
      Toleration unreachable0 = new TolerationBuilder().withKey("node.kubernetes.io/unreachable").withOperator("Exists")
          .withEffect("NoExecute").withTolerationSeconds(0L).build();
      for (Pod p : List.of(pod("tolerant", List.of(unreachable300)), pod("intolerant", List.of(unreachable0)), pod("forever", List.of(everything)))) {
        cluster.markReady(cluster.client().pods().resource(p).create());
      }
      // Healthy while heartbeats are fresh: 40 s without one is within upstream's 50 s since 1.32.
      cluster.step(Duration.ofSeconds(30));
      heartbeat(cluster);
      cluster.step(Duration.ofSeconds(40));
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> taints(cluster).isEmpty());
      assertThat(readyStatus(cluster)).isEqualTo("True");

      cluster.step(Duration.ofSeconds(15)); // 55 s since the last heartbeat
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Node n = cluster.client().nodes().withName("n1").get();
        assertThat(n.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
            .singleElement().satisfies(c -> {
              assertThat(c.getStatus()).isEqualTo("Unknown");
              assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
            });
        assertThat(taints(cluster)).extracting(Taint::getKey, Taint::getEffect).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoExecute"));
        assertThat(gone(cluster, "intolerant")).isTrue();
      });
      Pod tolerant = cluster.client().pods().inNamespace("nl").withName("tolerant").get();
      assertThat(tolerant.getMetadata().getDeletionTimestamp()).isNull();
      assertThat(tolerant.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
          .singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo("False"));

      cluster.step(Duration.ofSeconds(301));
      await().atMost(Duration.ofSeconds(60)).until(() -> gone(cluster, "tolerant"));
      assertThat(gone(cluster, "forever")).isFalse();

      heartbeat(cluster);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        return taints(cluster).isEmpty();
      });
    }
  }

  @Test
  void configuredGracePeriodDecidesWhenASilentNodeTurnsUnknown() throws Exception {
    Duration grace = Duration.ofSeconds(20);
    try (TestCluster cluster = TestCluster.startWithoutControllers(dir, NodeLifecycleController.DESCRIPTOR)
        .nodeMonitor(grace, Duration.ofSeconds(2))) {
      cluster.startControllers();
      var heartbeat = registerNode(cluster);

      cluster.step(Duration.ofSeconds(12)); // within the grace period
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
          .until(() -> "True".equals(readyStatus(cluster)) && taints(cluster).isEmpty());

      cluster.step(Duration.ofSeconds(9)); // past the grace period
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(readyStatus(cluster)).isEqualTo("Unknown");
        assertThat(taints(cluster)).extracting(Taint::getKey, Taint::getEffect).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoSchedule"),
            org.assertj.core.groups.Tuple.tuple("node.kubernetes.io/unreachable", "NoExecute"));
      });
      // Judged on the controller's (fake) clock, which also runs with real time: marked Unknown
      // once the 20 s were up, long before the default 50 s would have been.
      Node n = cluster.client().nodes().withName("n1").get();
      var markedAt = Times.parse(n.getStatus().getConditions().stream()
          .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow().getLastTransitionTime());
      assertThat(markedAt).isBetween(heartbeat.plus(grace).minusSeconds(1), heartbeat.plusSeconds(45));

      // A heartbeat makes it Ready again.
      heartbeat(cluster);
      await().atMost(Duration.ofSeconds(30)).until(() -> taints(cluster).isEmpty());
    }
  }

  /**
   * The grace period runs from when the controller saw the last heartbeat, as upstream's probe
   * timestamps: a controller that starts while the node's Lease is long stale (the API server was
   * away, the controller manager restarted) gives the node a full grace period to report again.
   */
  @Test
  void aStartingControllerGivesEveryNodeAFullGracePeriod() throws Exception {
    try (TestCluster cluster = TestCluster.startWithoutControllers(dir, NodeLifecycleController.DESCRIPTOR)
        .nodeMonitor(Duration.ofSeconds(20), Duration.ofSeconds(2))) {
      registerNode(cluster);
      // A node whose kubelet never reported counts from its creation instead.
      cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("silent").endMetadata().build()).create();
      cluster.step(Duration.ofSeconds(60)); // n1's Lease is three grace periods old

      cluster.startControllers();
      await().atMost(Duration.ofSeconds(30)).until(() -> "Unknown".equals(readyStatus(cluster, "silent")));
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15))
          .until(() -> "True".equals(readyStatus(cluster)) && taints(cluster).isEmpty());

      cluster.step(Duration.ofSeconds(21)); // no heartbeat for a grace period since it was first seen
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(readyStatus(cluster)).isEqualTo("Unknown");
        assertThat(taints(cluster)).extracting(Taint::getKey)
            .containsOnly("node.kubernetes.io/unreachable");
      });
    }
  }
}
