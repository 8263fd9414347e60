package dev.kvx.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.component.KubeClients;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler against a real in-JVM API server, driven through fabric8 as a user would: nodes and
 * pods are created, and what the scheduler did is read back from the API.
 */
class KubeSchedulerComponentTest {
  // Generous: CI machines are shared; on an idle machine every wait ends in well under a second.
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  Vertx vertx;
  ApiServer apiServer;
  KubernetesClient client;
  final List<KubeScheduler> schedulers = new ArrayList<>();

  @BeforeEach
  void startApiServer() {
    vertx = Vertx.vertx();
    apiServer = ApiServer.start(vertx, ApiServerOptions.forTest(dir)).await();
    client = KubeClients.fromKubeconfig(apiServer.kubeconfig(), "component-test");
  }

  @AfterEach
  void stopAll() {
    for (KubeScheduler s : schedulers) {
      s.close().await();
    }
    client.close();
    apiServer.close().await();
    vertx.close().await();
  }

  KubeScheduler startScheduler(SchedulerOptions options) {
    KubeScheduler s = KubeScheduler.start(vertx, options).await();
    schedulers.add(s);
    return s;
  }

  SchedulerOptions options() {
    return SchedulerOptions.defaults(apiServer.kubeconfig())
        .withLeaderElect(false)
        .withServing("127.0.0.1", 0, null, null);
  }

  Node node(String name, String cpu, Map<String, String> taint) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kubernetes.io/hostname", name)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    if (taint != null) {
      taint.forEach(
          (k, v) ->
              b.editSpec()
                  .addNewTaint()
                  .withKey(k)
                  .withValue(v)
                  .withEffect("NoSchedule")
                  .endTaint()
                  .endSpec());
    }
    Node created = client.nodes().resource(b.build()).create();
    created.setStatus(
        new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
            .withAllocatable(
                Map.of(
                    "cpu",
                    new Quantity(cpu),
                    "memory",
                    new Quantity("8Gi"),
                    "pods",
                    new Quantity("110")))
            .withCapacity(
                Map.of(
                    "cpu",
                    new Quantity(cpu),
                    "memory",
                    new Quantity("8Gi"),
                    "pods",
                    new Quantity("110")))
            .build());
    return client.nodes().resource(created).updateStatus();
  }

  Pod pod(String name, String cpu, String priorityClass) {
    return client
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withPriorityClassName(priorityClass)
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .withNewResources()
                .addToRequests("cpu", new Quantity(cpu))
                .endResources()
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  Pod get(String name) {
    return client.pods().inNamespace("default").withName(name).get();
  }

  String nodeOf(String pod) {
    Pod p = get(pod);
    return p == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
  }

  Optional<PodCondition> scheduledCondition(String pod) {
    Pod p = get(pod);
    if (p == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return p.getStatus().getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()))
        .findFirst();
  }

  List<Event> eventsOf(String pod) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void podsLandWhereTheyFitAndAnUnschedulablePodWaitsForAFittingNode() throws Exception {
    node("tainted", "4", Map.of("dedicated", "infra"));
    node("small-1", "2", null);
    node("small-2", "2", null);
    KubeScheduler scheduler = startScheduler(options());

    pod("fits", "1500m", null);
    await().atMost(WAIT).until(() -> nodeOf("fits").startsWith("small-"));
    pod("too-big", "3", null);

    String expected =
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2"
            + " Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful"
            + " for scheduling..";
    await()
        .atMost(WAIT)
        .until(
            () -> scheduledCondition("too-big").map(PodCondition::getMessage).orElse(""),
            expected::equals);
    PodCondition c = scheduledCondition("too-big").orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Unschedulable");
    assertThat(nodeOf("too-big")).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(eventsOf("too-big"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("FailedScheduling");
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getMessage()).isEqualTo(expected);
                          assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
                        }));

    node("big", "8", null);

    await().atMost(WAIT).until(() -> nodeOf("too-big").equals("big"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(eventsOf("too-big"))
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("Scheduled");
                          assertThat(e.getMessage())
                              .isEqualTo("Successfully assigned default/too-big to big");
                        }));
    assertThat(scheduledCondition("too-big").orElseThrow().getStatus()).isEqualTo("True");

    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + scheduler.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains(
            "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"scheduled\"}"
                + " 2.0")
        .contains(
            "scheduler_schedule_attempts_total{profile=\"default-scheduler\",result=\"unschedulable\"}")
        .contains("scheduler_pending_pods{queue=\"active\"} 0.0")
        .contains("scheduler_scheduling_attempt_duration_seconds_bucket")
        .contains("scheduler_pod_scheduling_sli_duration_seconds_bucket{attempts=\"1\"");
  }

  @Test
  void aHighPriorityPodPreemptsALowPriorityOne() {
    client
        .resource(
            new PriorityClassBuilder()
                .withNewMetadata()
                .withName("low")
                .endMetadata()
                .withValue(10)
                .build())
        .create();
    client
        .resource(
            new PriorityClassBuilder()
                .withNewMetadata()
                .withName("high")
                .endMetadata()
                .withValue(1000)
                .build())
        .create();
    node("only", "2", null);
    startScheduler(options());

    pod("victim", "2", "low");
    await().atMost(WAIT).until(() -> nodeOf("victim").equals("only"));
    pod("preemptor", "1", "high");

    // The victim is evicted (gracefully: it lingers until its kubelet confirms) and the preemptor
    // is nominated to its node.
    await()
        .atMost(WAIT)
        .until(() -> "only".equals(get("preemptor").getStatus().getNominatedNodeName()));
    await()
        .atMost(WAIT)
        .until(
            () ->
                get("victim") == null
                    || get("victim").getMetadata().getDeletionTimestamp() != null);
    Pod victim = get("victim");
    if (victim != null) {
      assertThat(victim.getStatus().getConditions())
          .anySatisfy(
              c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getReason()).isEqualTo("PreemptionByScheduler");
              });
      assertThat(nodeOf("preemptor")).as("the victim still holds its room").isEmpty();
      // Play the kubelet: the container is gone, confirm the deletion.
      client.pods().inNamespace("default").withName("victim").withGracePeriod(0).delete();
    }

    await().atMost(WAIT).until(() -> nodeOf("preemptor").equals("only"));
    assertThat(eventsOf("victim"))
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Preempted"));
  }

  @Test
  void stoppingTheLeaderHandsSchedulingToTheOtherReplica() {
    node("n1", "8", null);
    SchedulerOptions replica =
        options()
            .withLeaderElect(true)
            .withLeaseTimings(Duration.ofSeconds(5), Duration.ofSeconds(4), Duration.ofSeconds(1));
    KubeScheduler a = startScheduler(replica.withIdentity("replica-a"));
    KubeScheduler b = startScheduler(replica.withIdentity("replica-b"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                leaseHolder().equals("replica-a") && a.isScheduling()
                    || leaseHolder().equals("replica-b") && b.isScheduling());
    KubeScheduler leader = leaseHolder().equals("replica-a") ? a : b;
    KubeScheduler follower = leader == a ? b : a;
    pod("before", "1", null);
    await().atMost(WAIT).until(() -> nodeOf("before").equals("n1"));

    schedulers.remove(leader);
    leader.close().await();

    // The leader released the lease on its way out: the follower takes over within a retry period
    // (at most a lease duration had the leader died without releasing).
    await().atMost(WAIT).until(follower::isScheduling);
    assertThat(leaseHolder()).isEqualTo(follower.identity());
    assertThat(leader.isScheduling()).isFalse();
    pod("after", "1", null);
    await().atMost(WAIT).until(() -> nodeOf("after").equals("n1"));
  }

  String leaseHolder() {
    var lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
    return lease == null || lease.getSpec().getHolderIdentity() == null
        ? ""
        : lease.getSpec().getHolderIdentity();
  }
}
