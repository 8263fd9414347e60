package dev.kvx.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.replicaset.ReplicaSetController;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Deployment controller with the ReplicaSet controller against a real in-JVM API server; a
 * simulated kubelet marks pods ready. Assertions read what {@code kubectl rollout status} reads.
 */
class DeploymentControllerTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  @TempDir static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, ReplicaSetController.DESCRIPTOR, DeploymentController.DESCRIPTOR);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  static Deployment deployment(String ns, String name, int replicas, String image) {
    Map<String, String> labels = Map.of("app", name);
    return new DeploymentBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withTemplate(TestCluster.template(labels, image))
        .endSpec()
        .build();
  }

  private Deployment get(String ns, String name) {
    return cluster.client().apps().deployments().inNamespace(ns).withName(name).get();
  }

  private List<ReplicaSet> replicaSets(String ns) {
    return cluster.client().apps().replicaSets().inNamespace(ns).list().getItems();
  }

  private void setImage(String ns, String name, String image) {
    edit(ns, name, d -> new DeploymentBuilder(d)
        .editSpec().editTemplate().editSpec().editFirstContainer().withImage(image).endContainer().endSpec().endTemplate().endSpec()
        .build());
  }

  // A user's edit, retried on conflicts with the controller's own writes as kubectl does.
  private void edit(String ns, String name, java.util.function.UnaryOperator<Deployment> change) {
    for (int i = 0; ; i++) {
      try {
        Deployment cur = get(ns, name);
        cluster.client().apps().deployments().resource(change.apply(cur)).update();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || i > 20) {
          throw e;
        }
      }
    }
  }

  /** What {@code kubectl rollout status} waits for. */
  private static boolean rolledOut(Deployment d) {
    var s = d.getStatus();
    if (s == null || s.getObservedGeneration() == null || s.getObservedGeneration() < d.getMetadata().getGeneration()) {
      return false;
    }
    int replicas = d.getSpec().getReplicas();
    return n(s.getUpdatedReplicas()) == replicas && n(s.getReplicas()) == replicas && n(s.getAvailableReplicas()) == replicas;
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static String image(ReplicaSet rs) {
    return rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void rollsOutUpdatesWithinSurgeAndUndoesToTheOldReplicaSet() throws Exception {
    String ns = "deploy-roll";
    cluster.createNamespace(ns);
    try (AutoCloseable kubelet = cluster.autoReady(ns)) {
      cluster.client().apps().deployments().resource(deployment(ns, "web", 4, "nginx:1")).create();
      await().atMost(Duration.ofSeconds(90)).until(() -> rolledOut(get(ns, "web")));
      Deployment d = get(ns, "web");
      assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
      assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
      assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
      ReplicaSet first = replicaSets(ns).get(0);
      String hash = first.getMetadata().getLabels().get("pod-template-hash");
      assertThat(first.getMetadata().getName()).isEqualTo("web-" + hash);
      assertThat(first.getSpec().getSelector().getMatchLabels()).containsEntry("pod-template-hash", hash);
      assertThat(first.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
      assertThat(first.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1")
          .containsEntry("deployment.kubernetes.io/desired-replicas", "4")
          .containsEntry("deployment.kubernetes.io/max-replicas", "5");

      // Rolling update: never more than replicas + maxSurge (25% of 4 = 1) pods asked for.
      AtomicInteger maxTotal = new AtomicInteger();
      setImage(ns, "web", "nginx:2");
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        maxTotal.accumulateAndGet(replicaSets(ns).stream().mapToInt(rs -> rs.getSpec().getReplicas()).sum(), Math::max);
        Deployment cur = get(ns, "web");
        return rolledOut(cur) && cur.getStatus().getReplicas() == 4
            && "NewReplicaSetAvailable".equals(condition(cur, "Progressing").getReason());
      });
      assertThat(maxTotal.get()).isLessThanOrEqualTo(5);
      assertThat(get(ns, "web").getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
      List<ReplicaSet> rss = replicaSets(ns);
      assertThat(rss).hasSize(2);
      ReplicaSet old = rss.stream().filter(rs -> image(rs).equals("nginx:1")).findFirst().orElseThrow();
      assertThat(old.getSpec().getReplicas()).isZero();
      assertThat(cluster.events(ns, "ScalingReplicaSet")).extracting(e -> e.getMessage())
          .anyMatch(m -> m.startsWith("Scaled up replica set web-"))
          .anyMatch(m -> m.startsWith("Scaled down replica set " + old.getMetadata().getName()));

      // kubectl rollout undo: the template of revision 1 (without its hash label) goes back.
      PodTemplateSpec template = JSON.clone(old.getSpec().getTemplate());
      template.getMetadata().getLabels().remove("pod-template-hash");
      edit(ns, "web", x -> new DeploymentBuilder(x).editSpec().withTemplate(template).endSpec().build());
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        Deployment cur = get(ns, "web");
        return rolledOut(cur) && cur.getStatus().getReplicas() == 4
            && "3".equals(cur.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"));
      });
      ReplicaSet reused = cluster.client().apps().replicaSets().inNamespace(ns).withName(old.getMetadata().getName()).get();
      assertThat(reused.getSpec().getReplicas()).isEqualTo(4);
      assertThat(reused.getMetadata().getAnnotations())
          .containsEntry("deployment.kubernetes.io/revision", "3")
          .containsEntry("deployment.kubernetes.io/revision-history", "1");
      assertThat(replicaSets(ns)).hasSize(2);
    }
  }

  @Test
  void recreateScalesOldDownBeforeCreatingNew() throws Exception {
    String ns = "deploy-recreate";
    cluster.createNamespace(ns);
    try (AutoCloseable kubelet = cluster.autoReady(ns)) {
      Deployment d = deployment(ns, "db", 2, "pg:1");
      d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder().withType("Recreate").build());
      cluster.client().apps().deployments().resource(d).create();
      await().atMost(Duration.ofSeconds(90)).until(() -> rolledOut(get(ns, "db")));
      setImage(ns, "db", "pg:2");
      // Old and new pods never coexist.
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        List<Pod> pods = cluster.client().pods().inNamespace(ns).list().getItems();
        long images = pods.stream().map(p -> p.getSpec().getContainers().get(0).getImage()).distinct().count();
        assertThat(images).isLessThanOrEqualTo(1);
        Deployment cur = get(ns, "db");
        return rolledOut(cur) && pods.size() == 2 && pods.stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("pg:2"));
      });
    }
  }

  @Test
  void pausedDeploymentScalesButDoesNotRollOutAndCleansHistory() throws Exception {
    String ns = "deploy-pause";
    cluster.createNamespace(ns);
    try (AutoCloseable kubelet = cluster.autoReady(ns)) {
      Deployment d = deployment(ns, "api", 2, "api:1");
      d.getSpec().setRevisionHistoryLimit(1);
      cluster.client().apps().deployments().resource(d).create();
      await().atMost(Duration.ofSeconds(90)).until(() -> rolledOut(get(ns, "api")));
      edit(ns, "api", x -> new DeploymentBuilder(x).editSpec().withPaused(true).endSpec().build());
      await().atMost(Duration.ofSeconds(60)).until(() -> "DeploymentPaused".equals(condition(get(ns, "api"), "Progressing").getReason()));
      setImage(ns, "api", "api:2");
      edit(ns, "api", x -> new DeploymentBuilder(x).editSpec().withReplicas(3).endSpec().build());
      await().atMost(Duration.ofSeconds(60)).until(() -> get(ns, "api").getStatus().getAvailableReplicas() == 3);
      assertThat(replicaSets(ns)).hasSize(1); // no rollout while paused

      edit(ns, "api", x -> new DeploymentBuilder(x).editSpec().withPaused(false).endSpec().build());
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        Deployment cur = get(ns, "api");
        return rolledOut(cur) && cur.getStatus().getReplicas() == 3
            && "NewReplicaSetAvailable".equals(condition(cur, "Progressing").getReason());
      });
      setImage(ns, "api", "api:3");
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        Deployment cur = get(ns, "api");
        // revisionHistoryLimit 1: only the current and one old ReplicaSet remain.
        return rolledOut(cur) && cur.getStatus().getReplicas() == 3 && replicaSets(ns).size() == 2;
      });
      assertThat(replicaSets(ns)).extracting(DeploymentControllerTest::image).containsExactlyInAnyOrder("api:2", "api:3");
    }
  }

  @Test
  void progressDeadlineExceededOnTheInjectedClock() {
    String ns = "deploy-deadline";
    cluster.createNamespace(ns);
    Deployment d = deployment(ns, "stuck", 1, "never:ready");
    d.getSpec().setProgressDeadlineSeconds(60);
    cluster.client().apps().deployments().resource(d).create();
    // Wait until the controller has seen its ReplicaSet's pod (status.replicas 1): a sync that
    // still sees progress after the clock steps renews the Progressing condition at the stepped
    // time, as upstream does, and the deadline would move with it.
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Deployment cur = get(ns, "stuck");
      return cur.getStatus() != null && condition(cur, "Progressing") != null && condition(cur, "Available") != null
          && Integer.valueOf(1).equals(cur.getStatus().getReplicas())
          && Integer.valueOf(1).equals(cur.getStatus().getUpdatedReplicas())
          && Integer.valueOf(1).equals(cur.getStatus().getUnavailableReplicas());
    });
    assertThat(condition(get(ns, "stuck"), "Available").getStatus()).isEqualTo("False");
    cluster.step(Duration.ofSeconds(61));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      DeploymentCondition c = condition(get(ns, "stuck"), "Progressing");
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
    });
  }

  @Test
  void rolloutFinishesAfterAControllerManagerRestartMidway() throws Exception {
    String ns = "deploy-restart";
    cluster.createNamespace(ns);
    Deployment d = deployment(ns, "svc", 4, "svc:1");
    d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
        .withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate().build());
    try (AutoCloseable kubelet = cluster.autoReady(ns)) {
      cluster.client().apps().deployments().resource(d).create();
      await().atMost(Duration.ofSeconds(90)).until(() -> rolledOut(get(ns, "svc")));
    }
    setImage(ns, "svc", "svc:2");
    // The new ReplicaSet got its first surge pod; nobody makes it ready yet.
    await().atMost(Duration.ofSeconds(60)).until(() -> replicaSets(ns).size() == 2
        && replicaSets(ns).stream().anyMatch(rs -> image(rs).equals("svc:2") && rs.getSpec().getReplicas() == 1));
    cluster.stopControllers();
    cluster.startControllers();
    try (AutoCloseable kubelet = cluster.autoReady(ns)) {
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        Deployment cur = get(ns, "svc");
        return rolledOut(cur) && cur.getStatus().getReplicas() == 4
            && "NewReplicaSetAvailable".equals(condition(cur, "Progressing").getReason());
      });
    }
    assertThat(replicaSets(ns)).hasSize(2);
    assertThat(cluster.client().pods().inNamespace(ns).list().getItems())
        .allMatch(p -> p.getSpec().getContainers().get(0).getImage().equals("svc:2"));
  }
}
