package dev.kvx.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBroadcasterTest {
  @TempDir Path dir;

  @Test
  void repeatsAreAggregatedIntoOneEventWithACount() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir)) {
      cluster.createNamespace("ev");
      ConfigMap cm = cluster.client().configMaps().resource(new ConfigMapBuilder()
          .withNewMetadata().withNamespace("ev").withName("c").endMetadata().build()).create();
      try (EventBroadcaster broadcaster = new EventBroadcaster(cluster.client(), cluster.clock())) {
        EventRecorder recorder = broadcaster.newRecorder("test-controller");
        recorder.event(cm, EventRecorder.WARNING, "Failed", "it broke");
        recorder.event(cm, EventRecorder.WARNING, "Failed", "it broke");
        recorder.event(cm, EventRecorder.WARNING, "Failed", "it broke");
        recorder.event(cm, EventRecorder.NORMAL, "Fixed", "all good");
      }
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        List<Event> events = cluster.client().v1().events().inNamespace("ev").list().getItems();
        assertThat(events).hasSize(2);
        Event failed = events.stream().filter(e -> e.getReason().equals("Failed")).findFirst().orElseThrow();
        assertThat(failed.getCount()).isEqualTo(3);
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage()).isEqualTo("it broke");
        assertThat(failed.getSource().getComponent()).isEqualTo("test-controller");
        assertThat(failed.getInvolvedObject().getUid()).isEqualTo(cm.getMetadata().getUid());
        assertThat(failed.getFirstTimestamp()).isNotNull();
        assertThat(failed.getLastTimestamp()).isNotNull();
        assertThat(failed.getMetadata().getName()).startsWith("c.");
      });
    }
  }
}
