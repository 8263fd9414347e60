package dev.kvx.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.controller.Owners;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ReplicaSet controller against a real in-JVM API server, driven through fabric8. */
class ReplicaSetControllerTest {
  @TempDir static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, ReplicaSetController.DESCRIPTOR);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private ReplicaSet replicaSet(String ns, String name, int replicas, int minReadySeconds) {
    Map<String, String> labels = Map.of("app", name);
    return new ReplicaSetBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withMinReadySeconds(minReadySeconds)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withTemplate(TestCluster.template(labels, "busybox"))
        .endSpec()
        .build();
  }

  private List<Pod> pods(String ns, String app) {
    return cluster.client().pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private ReplicaSet get(String ns, String name) {
    return cluster.client().apps().replicaSets().inNamespace(ns).withName(name).get();
  }

  @Test
  void createsPodsWithControllerRefsThenReportsReadyAndScalesDown() {
    cluster.createNamespace("rs-scale");
    ReplicaSet rs = cluster.client().apps().replicaSets().resource(replicaSet("rs-scale", "web", 5, 0)).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> pods("rs-scale", "web").size() == 5);
    // Never more than asked for, even while the cache lags behind the creates.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> pods("rs-scale", "web").size() == 5);
    for (Pod p : pods("rs-scale", "web")) {
      assertThat(p.getMetadata().getName()).matches("web-[a-z0-9]{5}");
      OwnerReference ref = Owners.controllerOf(p).orElseThrow();
      assertThat(ref.getUid()).isEqualTo(rs.getMetadata().getUid());
      assertThat(ref.getKind()).isEqualTo("ReplicaSet");
      assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      ReplicaSet cur = get("rs-scale", "web");
      assertThat(cur.getStatus()).isNotNull();
      assertThat(cur.getStatus().getReplicas()).isEqualTo(5);
      assertThat(cur.getStatus().getFullyLabeledReplicas()).isEqualTo(5);
      assertThat(cur.getStatus().getObservedGeneration()).isEqualTo(cur.getMetadata().getGeneration());
    });

    cluster.markAllReady("rs-scale");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      ReplicaSet cur = get("rs-scale", "web");
      assertThat(cur.getStatus().getReadyReplicas()).isEqualTo(5);
      assertThat(cur.getStatus().getAvailableReplicas()).isEqualTo(5);
    });

    // Scale down to 2: an unready pod goes before ready ones.
    String unreadyName = pods("rs-scale", "web").get(0).getMetadata().getName();
    Pod unready = TestCluster.retryOnConflict(() -> {
      Pod p = cluster.client().pods().inNamespace("rs-scale").withName(unreadyName).get();
      p.getStatus().setConditions(List.of());
      return cluster.client().pods().resource(p).updateStatus();
    });
    TestCluster.retryOnConflict(() -> cluster.client().apps().replicaSets().inNamespace("rs-scale").withName("web")
        .edit(r -> new ReplicaSetBuilder(r).editSpec().withReplicas(2).endSpec().build()));
    await().atMost(Duration.ofSeconds(60)).until(() -> pods("rs-scale", "web").size() == 2);
    assertThat(pods("rs-scale", "web")).extracting(p -> p.getMetadata().getName())
        .doesNotContain(unready.getMetadata().getName());
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("rs-scale", "web").getStatus().getReplicas()).isEqualTo(2));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(cluster.events("rs-scale", "SuccessfulCreate")).isNotEmpty();
      assertThat(cluster.events("rs-scale", "SuccessfulDelete")).isNotEmpty();
    });
  }

  @Test
  void replacesDeletedAndTerminatedPods() {
    cluster.createNamespace("rs-replace");
    cluster.client().apps().replicaSets().resource(replicaSet("rs-replace", "api", 2, 0)).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> pods("rs-replace", "api").size() == 2);
    List<Pod> original = pods("rs-replace", "api");
    cluster.client().pods().resource(original.get(0)).delete();
    cluster.markTerminated(original.get(1), "Failed");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(pods("rs-replace", "api"))
            .filteredOn(p -> p.getStatus() == null || !"Failed".equals(p.getStatus().getPhase()))
            .hasSize(2)
            .extracting(p -> p.getMetadata().getName())
            .doesNotContain(original.get(0).getMetadata().getName(), original.get(1).getMetadata().getName()));
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
    cluster.createNamespace("rs-adopt");
    Pod orphan = cluster.client().pods().resource(new PodBuilder()
        .withNewMetadata().withNamespace("rs-adopt").withName("orphan").withLabels(Map.of("app", "db")).endMetadata()
        .withSpec(TestCluster.template(Map.of(), "busybox").getSpec())
        .build()).create();
    ReplicaSet rs = cluster.client().apps().replicaSets().resource(replicaSet("rs-adopt", "db", 2, 0)).create();

    await().atMost(Duration.ofSeconds(60)).until(() -> pods("rs-adopt", "db").size() == 2);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Pod adopted = cluster.client().pods().inNamespace("rs-adopt").withName("orphan").get();
      assertThat(Owners.isControlledBy(adopted, rs)).isTrue();
    });
    assertThat(pods("rs-adopt", "db")).extracting(p -> p.getMetadata().getName()).contains("orphan");

    // Relabel the adopted pod: it is released and replaced.
    TestCluster.retryOnConflict(() -> cluster.client().pods().inNamespace("rs-adopt").withName("orphan")
        .edit(p -> new PodBuilder(p).editMetadata().withLabels(Map.of("app", "other")).endMetadata().build()));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Pod released = cluster.client().pods().inNamespace("rs-adopt").withName("orphan").get();
      assertThat(released.getMetadata().getOwnerReferences()).isNullOrEmpty();
      assertThat(pods("rs-adopt", "db")).hasSize(2);
    });
    assertThat(orphan).isNotNull();
  }

  @Test
  void availabilityWaitsForMinReadySecondsOnTheInjectedClock() {
    cluster.createNamespace("rs-minready");
    cluster.client().apps().replicaSets().resource(replicaSet("rs-minready", "slow", 1, 300)).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> pods("rs-minready", "slow").size() == 1);
    cluster.markAllReady("rs-minready");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      ReplicaSet cur = get("rs-minready", "slow");
      assertThat(cur.getStatus()).isNotNull();
      assertThat(cur.getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(cur.getStatus().getAvailableReplicas()).isZero();
    });
    cluster.step(Duration.ofSeconds(301));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(get("rs-minready", "slow").getStatus().getAvailableReplicas()).isEqualTo(1));
  }
}
