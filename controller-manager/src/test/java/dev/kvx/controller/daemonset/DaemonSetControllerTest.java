package dev.kvx.controller.daemonset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonSetControllerTest {
  @TempDir Path dir;

  private static void node(TestCluster c, String name, Map<String, String> labels, boolean tainted) {
    var b = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withNewSpec().endSpec();
    if (tainted) {
      b.editSpec().withTaints(new TaintBuilder().withKey("dedicated").withValue("x").withEffect("NoSchedule").build()).endSpec();
    }
    c.client().nodes().resource(b.build()).create();
  }

  private static List<Pod> pods(TestCluster c) {
    return c.client().pods().inNamespace("ds").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static String target(Pod p) {
    return DaemonSetReconciler.targetNode(p);
  }

  @Test
  void onePodPerEligibleNodeFollowingNodesAndRollingUpdates() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, DaemonSetController.DESCRIPTOR)) {
      cluster.createNamespace("ds");
      node(cluster, "n1", Map.of("role", "worker"), false);
      node(cluster, "n2", Map.of("role", "worker"), true);
      node(cluster, "n3", Map.of("role", "db"), false);
      DaemonSet ds = new DaemonSetBuilder().withNewMetadata().withNamespace("ds").withName("agent").endMetadata()
          .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "agent")).endSelector()
          .withTemplate(TestCluster.template(Map.of("app", "agent"), "agent:1")).endSpec().build();
      ds.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("role", "worker"));
      cluster.client().apps().daemonSets().resource(ds).create();

      await().atMost(Duration.ofSeconds(60)).until(() -> pods(cluster).size() == 1);
      Pod p = pods(cluster).get(0);
      assertThat(target(p)).isEqualTo("n1");
      assertThat(p.getSpec().getTolerations()).anyMatch(t -> "node.kubernetes.io/unreachable".equals(t.getKey()) && "NoExecute".equals(t.getEffect()));
      assertThat(p.getMetadata().getLabels()).containsKey("controller-revision-hash");

      try (AutoCloseable kubelet = cluster.autoReady("ds")) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          DaemonSet cur = cluster.client().apps().daemonSets().inNamespace("ds").withName("agent").get();
          assertThat(cur.getStatus()).isNotNull();
          assertThat(cur.getStatus().getDesiredNumberScheduled()).isEqualTo(1);
          assertThat(cur.getStatus().getCurrentNumberScheduled()).isEqualTo(1);
          assertThat(cur.getStatus().getNumberReady()).isEqualTo(1);
          assertThat(cur.getStatus().getNumberAvailable()).isEqualTo(1);
        });

        node(cluster, "n4", Map.of("role", "worker"), false);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(pods(cluster)).extracting(DaemonSetControllerTest::target).containsExactlyInAnyOrder("n1", "n4"));

        // Rolling update to a new image, one node at a time.
        String oldHash = p.getMetadata().getLabels().get("controller-revision-hash");
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
          // Retried: the controller's status writes race with this edit (409), as kubectl retries.
          DaemonSet cur = cluster.client().apps().daemonSets().inNamespace("ds").withName("agent").get();
          cur.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("agent:2");
          cluster.client().apps().daemonSets().resource(cur).update();
          return true;
        });
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
          List<Pod> now = pods(cluster);
          assertThat(now).hasSize(2).allSatisfy(x -> {
            assertThat(x.getSpec().getContainers().get(0).getImage()).isEqualTo("agent:2");
            assertThat(x.getMetadata().getLabels().get("controller-revision-hash")).isNotEqualTo(oldHash);
          });
          DaemonSet cur = cluster.client().apps().daemonSets().inNamespace("ds").withName("agent").get();
          assertThat(cur.getStatus()).isNotNull();
          assertThat(cur.getStatus().getUpdatedNumberScheduled()).isEqualTo(2);
          assertThat(cur.getStatus().getNumberAvailable()).isEqualTo(2);
        });
      }

      // A node that stops matching loses its pod.
      TestCluster.retryOnConflict(() -> cluster.client().nodes().withName("n4")
          .edit(n -> new NodeBuilder(n).editMetadata().withLabels(Map.of("role", "db")).endMetadata().build()));
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(pods(cluster)).extracting(DaemonSetControllerTest::target).containsExactly("n1"));
    }
  }
}
