package dev.kvx.controller.statefulset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatefulSetControllerTest {
  @TempDir Path dir;

  private static List<Pod> pods(TestCluster c) {
    return c.client().pods().inNamespace("sts").list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static StatefulSet get(TestCluster c) {
    return c.client().apps().statefulSets().inNamespace("sts").withName("db").get();
  }

  @Test
  void orderedPodsWithClaimsAndAPartitionedRollingUpdate() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, StatefulSetController.DESCRIPTOR)) {
      cluster.createNamespace("sts");
      StatefulSet set = new StatefulSetBuilder().withNewMetadata().withNamespace("sts").withName("db").endMetadata()
          .withNewSpec().withReplicas(3).withServiceName("db").withNewSelector().withMatchLabels(Map.of("app", "db")).endSelector()
          .withTemplate(TestCluster.template(Map.of("app", "db"), "db:1"))
          .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
              .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build())
          .endSpec().build();
      cluster.client().apps().statefulSets().resource(set).create();

      // OrderedReady: db-1 only after db-0 is Running and Ready.
      await().atMost(Duration.ofSeconds(60)).until(() -> pods(cluster).size() == 1);
      Thread.sleep(1000);
      assertThat(pods(cluster)).extracting(p -> p.getMetadata().getName()).containsExactly("db-0");
      Pod first = pods(cluster).get(0);
      assertThat(first.getSpec().getHostname()).isEqualTo("db-0");
      assertThat(first.getSpec().getSubdomain()).isEqualTo("db");
      assertThat(first.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "db-0").containsEntry("apps.kubernetes.io/pod-index", "0");
      assertThat(first.getSpec().getVolumes()).anyMatch(v -> v.getPersistentVolumeClaim() != null && "data-db-0".equals(v.getPersistentVolumeClaim().getClaimName()));
      assertThat(cluster.client().persistentVolumeClaims().inNamespace("sts").withName("data-db-0").get()).isNotNull();

      try (AutoCloseable kubelet = cluster.autoReady("sts")) {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
          assertThat(pods(cluster)).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("db-0", "db-1", "db-2");
          StatefulSet cur = get(cluster);
          assertThat(cur.getStatus()).isNotNull();
          assertThat(cur.getStatus().getReadyReplicas()).isEqualTo(3);
          assertThat(cur.getStatus().getCurrentRevision()).isEqualTo(cur.getStatus().getUpdateRevision());
        });
        assertThat(cluster.client().apps().controllerRevisions().inNamespace("sts").list().getItems()).hasSize(1);

        // Partition 2: only db-2 moves to the new revision.
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
          StatefulSet cur = get(cluster);
          cur.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("db:2");
          cur.getSpec().setUpdateStrategy(new io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder()
              .withType("RollingUpdate").withNewRollingUpdate().withPartition(2).endRollingUpdate().build());
          cluster.client().apps().statefulSets().resource(cur).update();
          return true;
        });
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
          Map<String, String> images = new java.util.HashMap<>();
          pods(cluster).forEach(p -> images.put(p.getMetadata().getName(), p.getSpec().getContainers().get(0).getImage()));
          assertThat(images).containsEntry("db-0", "db:1").containsEntry("db-1", "db:1").containsEntry("db-2", "db:2");
          StatefulSet cur = get(cluster);
          assertThat(cur.getStatus().getUpdatedReplicas()).isEqualTo(1);
          assertThat(cur.getStatus().getReadyReplicas()).isEqualTo(3);
        });
        assertThat(cluster.client().apps().controllerRevisions().inNamespace("sts").list().getItems()).hasSize(2);

        // Scale down removes the highest ordinal; claims stay (retention policy Retain).
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
          StatefulSet cur = get(cluster);
          cur.getSpec().setReplicas(2);
          cluster.client().apps().statefulSets().resource(cur).update();
          return true;
        });
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
            assertThat(pods(cluster)).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("db-0", "db-1"));
        assertThat(cluster.client().persistentVolumeClaims().inNamespace("sts").withName("data-db-2").get()).isNotNull();
      }
    }
  }
}
