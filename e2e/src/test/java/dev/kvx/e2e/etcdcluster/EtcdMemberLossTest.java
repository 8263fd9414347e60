package dev.kvx.e2e.etcdcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.e2e.RequiredTools;
import dev.kvx.e2e.prometheus.ExampleManifests;
import dev.kvx.launcher.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kvx on a 3-member etcd cluster (Testcontainers, from the image manifests/images/etcd builds out
 * of Debian's etcd): the raft leader is killed in the middle of a Deployment rollout, with the
 * controller manager, the scheduler and a simulated node running. The two members left elect a new
 * leader, the API server carries on over them, the rollout completes, and every write the API
 * server acknowledged — before, during and after the loss — is still there.
 */
class EtcdMemberLossTest {

  private static final String IMAGE = "kvx/etcd:latest";
  private static final String NS = "default";
  private static final int REPLICAS = 3;
  private static final String VERSION = "kvx.dev/version";
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void rolloutCompletesAndNoAcknowledgedWriteIsLostWhenTheEtcdLeaderDies() throws Exception {
    RequiredTools.require(RequiredTools.dockerAnswers(), "a Docker engine");
    // Ryuk (Testcontainers' reaper) is an image from a registry, which CI cannot reach.
    RequiredTools.require(
        "true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED")),
        "TESTCONTAINERS_RYUK_DISABLED=true (the Ryuk image cannot be pulled)");
    ExampleManifests.buildImage("etcd", IMAGE, dir);

    try (EtcdCluster etcd = EtcdCluster.start(IMAGE, 3, DEADLINE);
        LocalCluster cluster =
            LocalCluster.builder().etcdServers(etcd.clientUrls()).startAndWait()) {
      KubernetesClient client = cluster.client();
      client.apps().deployments().inNamespace(NS).resource(deployment("v1")).create();
      await("deployment v1 rolled out")
          .atMost(DEADLINE)
          .ignoreExceptions()
          .until(() -> rolledOut(client));

      Writer writer = new Writer(client);
      try {
        await("writes acknowledged before the loss")
            .atMost(DEADLINE)
            .until(() -> writer.acknowledged.size() >= 5);

        long generation =
            client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("rollout")
                .edit(
                    d -> {
                      d.getSpec().getTemplate().getMetadata().getAnnotations().put(VERSION, "v2");
                      return d;
                    })
                .getMetadata()
                .getGeneration();
        // The first v2 pod is up, two are still to come (each minReadySeconds apart): kill now.
        DeploymentStatus atKill =
            await("rollout to v2 under way")
                .atMost(DEADLINE)
                .until(
                    () -> status(client),
                    s ->
                        s.getObservedGeneration() != null
                            && s.getObservedGeneration() >= generation
                            && s.getUpdatedReplicas() != null
                            && s.getUpdatedReplicas() >= 1);
        EtcdCluster.Member leader = etcd.leader();
        etcd.kill(leader);
        int ackedAtKill = writer.acknowledged.size();
        assertThat(atKill.getUpdatedReplicas()).as("mid-rollout: %s", atKill).isLessThan(REPLICAS);

        await("a new leader among the members left")
            .atMost(DEADLINE)
            .ignoreExceptions()
            .until(() -> !etcd.leader().equals(leader));
        await("deployment v2 rolled out on two etcd members")
            .atMost(DEADLINE)
            .ignoreExceptions()
            .until(() -> rolledOut(client));
        await("writes acknowledged after the loss")
            .atMost(DEADLINE)
            .until(() -> writer.acknowledged.size() >= ackedAtKill + 10);
      } finally {
        writer.stop();
      }

      // Nothing acknowledged is lost; writes whose answer never came may or may not exist.
      Set<String> stored =
          client.configMaps().inNamespace(NS).withLabel("writer", "e2e").list().getItems().stream()
              .map(c -> c.getMetadata().getName())
              .collect(Collectors.toSet());
      assertThat(stored)
          .as("%d writes acknowledged, %d failed", writer.acknowledged.size(), writer.failed.get())
          .containsAll(writer.acknowledged);

      // The rollout's end state: only v2 pods, Running (once the v1 pods' graceful deletion is
      // over), from one ReplicaSet; the old one scaled down.
      await("only v2 pods left")
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(
                          client
                              .pods()
                              .inNamespace(NS)
                              .withLabel("app", "rollout")
                              .list()
                              .getItems())
                      .hasSize(REPLICAS)
                      .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"))
                      .allSatisfy(
                          p ->
                              assertThat(p.getMetadata().getAnnotations())
                                  .containsEntry(VERSION, "v2")));
      Map<String, Integer> replicaSets =
          client
              .apps()
              .replicaSets()
              .inNamespace(NS)
              .withLabel("app", "rollout")
              .list()
              .getItems()
              .stream()
              .collect(
                  Collectors.toMap(
                      rs -> rs.getSpec().getTemplate().getMetadata().getAnnotations().get(VERSION),
                      rs -> rs.getSpec().getReplicas()));
      assertThat(replicaSets).isEqualTo(Map.of("v1", 0, "v2", REPLICAS));
    }
  }

  /**
   * Three replicas, one new pod at a time (maxSurge 1, maxUnavailable 0), each available only after
   * minReadySeconds: the rollout lasts several seconds, long enough to lose etcd's leader in it.
   */
  private static Deployment deployment(String version) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("rollout")
        .endMetadata()
        .withNewSpec()
        .withReplicas(REPLICAS)
        .withMinReadySeconds(2)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxSurge(1)
        .withNewMaxUnavailable(0)
        .endRollingUpdate()
        .endStrategy()
        .withNewSelector()
        .addToMatchLabels("app", "rollout")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "rollout")
        .addToAnnotations(VERSION, version)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(ExampleManifests.BUSYBOX_IMAGE)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static DeploymentStatus status(KubernetesClient client) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName("rollout").get();
    return d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
  }

  /** What {@code kubectl rollout status} waits for. */
  private static boolean rolledOut(KubernetesClient client) {
    Deployment d = client.apps().deployments().inNamespace(NS).withName("rollout").get();
    DeploymentStatus s = d.getStatus();
    return s != null
        && s.getObservedGeneration() != null
        && s.getObservedGeneration() >= d.getMetadata().getGeneration()
        && Objects.equals(s.getUpdatedReplicas(), REPLICAS)
        && Objects.equals(s.getReplicas(), REPLICAS)
        && Objects.equals(s.getAvailableReplicas(), REPLICAS);
  }

  /**
   * Creates a ConfigMap every 50 ms on its own thread and remembers those the API server
   * acknowledged; a failed create (the API server's answer while etcd fails over) is not retried.
   */
  private static final class Writer {
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    Writer(KubernetesClient client) {
      thread.scheduleWithFixedDelay(
          () -> {
            String name = String.format("w-%05d", next.getAndIncrement());
            ConfigMap cm =
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .addToLabels("writer", "e2e")
                    .endMetadata()
                    .addToData("n", name)
                    .build();
            try {
              HasMetadata created = client.configMaps().inNamespace(NS).resource(cm).create();
              acknowledged.add(created.getMetadata().getName());
            } catch (RuntimeException e) {
              failed.incrementAndGet();
            }
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      thread.shutdownNow();
      thread.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
