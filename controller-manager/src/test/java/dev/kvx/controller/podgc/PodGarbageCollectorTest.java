package dev.kvx.controller.podgc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodGarbageCollectorTest {
  @TempDir Path dir;

  private static Pod pod(String name, String node) {
    return new PodBuilder().withNewMetadata().withNamespace("gc").withName(name).endMetadata()
        .withSpec(TestCluster.template(Map.of(), "img").getSpec()).editSpec().withNodeName(node).endSpec().build();
  }

  @Test
  void deletesPodsOfMissingNodesAfterQuarantineAndTerminatedPodsOverTheThreshold() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, PodGarbageCollector.withThreshold(2))) {
      cluster.createNamespace("gc");
      cluster.client().nodes().resource(new NodeBuilder().withNewMetadata().withName("alive").endMetadata().build()).create();
      cluster.client().pods().resource(pod("on-alive", "alive")).create();
      cluster.client().pods().resource(pod("on-gone", "gone")).create();
      for (int i = 0; i < 4; i++) {
        Pod p = cluster.client().pods().resource(pod("done-" + i, "alive")).create();
        cluster.markTerminated(p, "Succeeded");
        Thread.sleep(1100); // distinct creation timestamps (second precision)
      }
      cluster.step(Duration.ofSeconds(21));
      // Two oldest terminated pods go; the pod of the missing node waits out its quarantine.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(cluster.client().pods().inNamespace("gc").list().getItems()).extracting(p -> p.getMetadata().getName())
              .containsExactlyInAnyOrder("on-alive", "on-gone", "done-2", "done-3"));
      cluster.step(Duration.ofSeconds(41));
      cluster.step(Duration.ofSeconds(21));
      await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().pods().inNamespace("gc").withName("on-gone").get() == null);
      assertThat(cluster.client().pods().inNamespace("gc").withName("on-alive").get()).isNotNull();
    }
  }
}
