package dev.kvx.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.component.KubeClients;
import dev.kvx.component.leaderelection.LeaderElectionConfig;
import dev.kvx.controller.testing.TestCluster;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole manager as {@code kvx controller-manager} runs it, against a real API server. */
class ControllerManagerTest {
  @TempDir Path dir;
  Vertx vertx;
  ApiServer server;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = ApiServer.start(vertx, ApiServerOptions.forTest(dir)).await();
    client = KubeClients.fromConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())), "test");
  }

  @AfterEach
  void stop() {
    client.close();
    server.close().await();
    vertx.close().await();
  }

  private ControllerManagerOptions options(String identity) {
    return ControllerManagerOptions.defaults(server.kubeconfig())
        .withControllers(List.of("replicaset"))
        .withPort(0)
        .withLeaderElection(LeaderElectionConfig.forLease("kube-system", "kube-controller-manager")
            .withIdentity(identity)
            .withTimings(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(1)));
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void leaderRunsControllersServesHealthAndMetricsAndHandsOverOnClose() throws Exception {
    ControllerManager first = ControllerManager.start(vertx, options("first")).await();
    ControllerManager second = ControllerManager.start(vertx, options("second")).await();
    try {
      assertThat(first.controllers()).containsExactly("replicaset-controller");
      // The Lease names whoever runs the controllers (and only one does).
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        Lease lease = client.leases().inNamespace("kube-system").withName("kube-controller-manager").get();
        String holder = lease == null ? null : lease.getSpec().getHolderIdentity();
        return first.leading() != second.leading()
            && (first.leading() ? "first" : "second").equals(holder);
      });
      ControllerManager leader = first.leading() ? first : second;
      ControllerManager standby = leader == first ? second : first;

      client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("cm").endMetadata().build()).create();
      Map<String, String> labels = Map.of("app", "x");
      client.apps().replicaSets().resource(new ReplicaSetBuilder()
          .withNewMetadata().withNamespace("cm").withName("x").endMetadata()
          .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(labels).endSelector()
          .withTemplate(TestCluster.template(labels, "img")).endSpec().build()).create();
      await().atMost(Duration.ofSeconds(60)).until(() -> client.pods().inNamespace("cm").list().getItems().size() == 2);

      await().atMost(Duration.ofSeconds(60)).until(() -> get(leader.port(), "/readyz").statusCode() == 200);
      assertThat(get(standby.port(), "/healthz").statusCode()).isEqualTo(200);
      String metrics = get(leader.port(), "/metrics").body();
      assertThat(metrics).contains("workqueue_adds_total{name=\"replicaset\"}").contains("leader_election_master_status");
      // Events name their source and involved object.
      await().atMost(Duration.ofSeconds(60)).until(() -> !client.v1().events().inNamespace("cm").list().getItems().isEmpty());
      Event e = client.v1().events().inNamespace("cm").list().getItems().get(0);
      assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
      assertThat(e.getReason()).isEqualTo("SuccessfulCreate");

      // Closing the leader releases the lease: the standby takes over.
      leader.close().await();
      await().atMost(Duration.ofSeconds(90)).until(standby::leading);
    } finally {
      first.close().await();
      second.close().await();
    }
  }

  @Test
  void unknownControllerFailsTheStart() {
    var failed = ControllerManager.start(vertx, options("x").withControllers(List.of("*", "nope")));
    await().atMost(Duration.ofSeconds(60)).until(failed::isComplete);
    assertThat(failed.failed()).isTrue();
    assertThat(failed.cause()).hasMessageContaining("nope");
  }

  /**
   * --node-monitor-grace-period reaches the node lifecycle controller: a node silent for 3 s is
   * Unknown long before upstream's default 50 s, and not before its 3 s are up.
   */
  @Test
  void nodeMonitorTimingsReachTheNodeLifecycleController() throws Exception {
    Duration grace = Duration.ofSeconds(3);
    ControllerManager m = ControllerManager.start(vertx, options("nl")
        .withLeaderElect(false)
        .withControllers(List.of("nodelifecycle"))
        .withNodeMonitorPeriod(Duration.ofSeconds(1))
        .withNodeMonitorGracePeriod(grace)).await();
    try {
      Instant heartbeat = Instant.now();
      client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build()).create();
      client.leases().resource(new LeaseBuilder().withNewMetadata().withNamespace("kube-node-lease").withName("n1").endMetadata()
          .withNewSpec().withHolderIdentity("n1").withRenewTime(heartbeat.atZone(ZoneOffset.UTC)).endSpec().build()).create();
      var node = client.nodes().withName("n1").get();
      node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
      node.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready").withStatus("True")
          .withReason("KubeletReady").withLastHeartbeatTime(Times.format(heartbeat))
          .withLastTransitionTime(Times.format(heartbeat)).build()));
      client.nodes().resource(node).updateStatus();

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        NodeCondition ready = client.nodes().withName("n1").get().getStatus().getConditions().stream()
            .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("Unknown");
        assertThat(Times.parse(ready.getLastTransitionTime())).isAfterOrEqualTo(heartbeat.plus(grace).minusSeconds(1));
      });
    } finally {
      m.close().await();
    }
  }
}
