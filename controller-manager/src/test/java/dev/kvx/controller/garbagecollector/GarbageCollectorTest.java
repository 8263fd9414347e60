package dev.kvx.controller.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.deployment.DeploymentController;
import dev.kvx.controller.replicaset.ReplicaSetController;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background, Foreground and Orphan deletion through a real API server. */
class GarbageCollectorTest {
  @TempDir static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, ReplicaSetController.DESCRIPTOR, DeploymentController.DESCRIPTOR, GarbageCollector.DESCRIPTOR);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private Deployment deploy(String ns, String name) {
    Map<String, String> labels = Map.of("app", name);
    Deployment d = cluster.client().apps().deployments().resource(new DeploymentBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(labels).endSelector()
        .withTemplate(TestCluster.template(labels, "img")).endSpec().build()).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().pods().inNamespace(ns).list().getItems().size() == 2);
    return d;
  }

  private int replicaSets(String ns) {
    return cluster.client().apps().replicaSets().inNamespace(ns).list().getItems().size();
  }

  private int pods(String ns) {
    return cluster.client().pods().inNamespace(ns).list().getItems().size();
  }

  @Test
  void backgroundDeletionRemovesReplicaSetsAndPodsAfterTheDeployment() {
    cluster.createNamespace("gc-bg");
    deploy("gc-bg", "web");
    cluster.client().apps().deployments().inNamespace("gc-bg").withName("web").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    await().atMost(Duration.ofSeconds(90)).until(() -> replicaSets("gc-bg") == 0 && pods("gc-bg") == 0);
  }

  @Test
  void foregroundDeletionRemovesDependentsBeforeTheOwner() {
    cluster.createNamespace("gc-fg");
    deploy("gc-fg", "web");
    cluster.client().apps().deployments().inNamespace("gc-fg").withName("web").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    // The owner stays (marked) while dependents exist.
    Deployment marked = cluster.client().apps().deployments().inNamespace("gc-fg").withName("web").get();
    if (marked != null) {
      assertThat(marked.getMetadata().getFinalizers()).contains("foregroundDeletion");
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      Deployment d = cluster.client().apps().deployments().inNamespace("gc-fg").withName("web").get();
      if (d != null) {
        return false;
      }
      // Once the owner is gone, no dependent may be left.
      assertThat(replicaSets("gc-fg")).isZero();
      assertThat(pods("gc-fg")).isZero();
      return true;
    });
  }

  @Test
  void orphanDeletionKeepsDependentsWithoutTheOwnerReference() {
    cluster.createNamespace("gc-orphan");
    Deployment d = deploy("gc-orphan", "web");
    await().atMost(Duration.ofSeconds(60)).until(() -> replicaSets("gc-orphan") == 1);
    cluster.client().apps().deployments().inNamespace("gc-orphan").withName("web").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    await().atMost(Duration.ofSeconds(90)).until(() -> cluster.client().apps().deployments().inNamespace("gc-orphan").withName("web").get() == null);
    ReplicaSet rs = cluster.client().apps().replicaSets().inNamespace("gc-orphan").list().getItems().get(0);
    assertThat(rs.getMetadata().getOwnerReferences()).noneMatch(r -> r.getUid().equals(d.getMetadata().getUid()));
    assertThat(pods("gc-orphan")).isEqualTo(2);
  }

  @Test
  void anyKindWithADanglingOwnerIsCollectedButLiveOwnersKeepTheirs() {
    cluster.createNamespace("gc-any");
    ConfigMap owner = cluster.client().configMaps().resource(new ConfigMapBuilder()
        .withNewMetadata().withNamespace("gc-any").withName("owner").endMetadata().build()).create();
    ConfigMap dependent = new ConfigMapBuilder()
        .withNewMetadata().withNamespace("gc-any").withName("dependent")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName("owner").withUid(owner.getMetadata().getUid()).build())
        .endMetadata().build();
    cluster.client().configMaps().resource(dependent).create();
    ConfigMap danglingFromStart = new ConfigMapBuilder()
        .withNewMetadata().withNamespace("gc-any").withName("dangling")
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName("never-existed").withUid("00000000-0000-0000-0000-000000000000").build())
        .endMetadata().build();
    cluster.client().configMaps().resource(danglingFromStart).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().configMaps().inNamespace("gc-any").withName("dangling").get() == null);
    assertThat(cluster.client().configMaps().inNamespace("gc-any").withName("dependent").get()).isNotNull();
    cluster.client().configMaps().resource(owner).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.client().configMaps().inNamespace("gc-any").withName("dependent").get() == null);
  }
}
