package dev.kvx.e2e.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.e2e.EachKubectl;
import dev.kvx.e2e.Kubectl;
import dev.kvx.e2e.KubectlBinary;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The "done when" for the scheduler, as a user sees it: an API server, two {@code kvx
 * scheduler} replicas as separate processes competing for the Lease kube-system/kube-scheduler, and
 * real kubectl creating Node objects (capacity and allocatable, no kubelets), PriorityClasses and
 * pods.
 *
 * <p>Scenarios run one after the other on the class's API server and start from a cluster without
 * nodes (each deletes its own), so "0/3 nodes" counts exactly their nodes. Pods stay Pending once
 * bound: nothing runs them. The leader is killed last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlSchedulingTest {

  /** Short leader election timings (upstream defaults 15s/10s/2s) keep the failover quick. */
  static final Duration LEASE_DURATION = Duration.ofSeconds(10);

  static final Duration RETRY_PERIOD = Duration.ofSeconds(1);

  /** A JVM start and the first informer sync take a while on two busy cores. */
  static final Duration STARTUP = Duration.ofMinutes(3);

  /** Far above a scheduling decision; reached only on a stalled machine. */
  static final Duration SCHEDULED = Duration.ofSeconds(60);

  static final String PAUSE = "registry.k8s.io/pause:3.9";

  private static Path dir;
  private static Vertx vertx;
  private static ApiServer server;
  private static final List<SchedulerReplica> replicas = new ArrayList<>();
  private static final AtomicInteger kubectls = new AtomicInteger();
  private Kubectl lastKubectl;

  @BeforeAll
  static void startClusterAndTwoSchedulerReplicas() throws IOException {
    require(KubectlBinary.of("1.32"));
    dir = Files.createTempDirectory("kvx-e2e-scheduler-");
    vertx = Vertx.vertx();
    server = ApiServer.start(vertx, ApiServerOptions.forTest(dir.resolve("server"))).await();
    Path jar = SchedulerReplica.prepareLauncher(dir.resolve("launcher"));
    List<String> flags =
        List.of(
            "--secure-port=0",
            "--bind-address=127.0.0.1",
            "--leader-elect-lease-duration=" + LEASE_DURATION.toSeconds() + "s",
            "--leader-elect-renew-deadline=8s",
            "--leader-elect-retry-period=" + RETRY_PERIOD.toSeconds() + "s");
    for (String name : List.of("scheduler-a", "scheduler-b")) {
      replicas.add(
          SchedulerReplica.start(
              name, jar, server.kubeconfig(), flags, dir.resolve("logs").resolve(name + ".log")));
    }
    Kubectl kubectl = kubectl(KubectlBinary.of("1.32"));
    await("a replica holding the Lease kube-system/kube-scheduler")
        .atMost(STARTUP)
        .pollInterval(Duration.ofSeconds(1))
        .failFast("a replica exited", () -> replicas.stream().anyMatch(r -> !r.alive()))
        .until(() -> replicaHolding(leaseHolder(kubectl)) != null);
  }

  @AfterAll
  static void stopCluster() {
    replicas.forEach(SchedulerReplica::close);
    replicas.clear();
    try {
      if (server != null) {
        server.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Every scenario leaves a cluster without nodes or pods behind. */
  @AfterEach
  void deleteNodesAndPods() {
    if (lastKubectl != null) {
      lastKubectl.run("delete", "pods", "--all", "-A", "--grace-period=0", "--force");
      lastKubectl.run("delete", "nodes", "--all");
    }
  }

  @Order(1)
  @EachKubectl
  void podsLandOnlyWhereTheyFitAndAnUnschedulableOneWaitsForAFittingNode(KubectlBinary binary) {
    Kubectl kubectl = use(binary);
    String s = binary.slug();
    String ns = "fit-" + s;
    create(
        kubectl,
        null,
        nodeYaml("small-" + s, "1", "disk: hdd", null)
            + nodeYaml("ssd-" + s, "4", "disk: ssd", null)
            + nodeYaml("gpu-" + s, "8", "disk: ssd", "dedicated=gpu:NoSchedule"));
    assertThat(kubectl.run("create", "namespace", ns).exitCode()).isZero();
    create(
        kubectl,
        ns,
        podYaml("big", "2", "") // fits ssd only: small has 1 CPU, gpu's taint is not tolerated
            + podYaml("hdd", null, "  nodeSelector: {disk: hdd}\n")
            + podYaml(
                "tolerant",
                "5",
                "  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect:"
                    + " NoSchedule}]\n")
            + podYaml("huge", "5", "")); // fits nowhere

    Map<String, String> placed = awaitBound(kubectl, ns, "big", "hdd", "tolerant");
    assertThat(placed)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("big", "ssd-" + s, "hdd", "small-" + s, "tolerant", "gpu-" + s));

    String expected =
        "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient"
            + " cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for"
            + " scheduling..";
    String condition = "{.status.conditions[?(@.type==\"PodScheduled\")]";
    await("huge's PodScheduled condition")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        kubectl
                            .run(
                                "get",
                                "pod",
                                "huge",
                                "-n",
                                ns,
                                "-o",
                                "jsonpath="
                                    + condition
                                    + ".status}/"
                                    + condition
                                    + ".reason}/"
                                    + condition
                                    + ".message}")
                            .stdout())
                    .isEqualTo("False/Unschedulable/" + expected));
    await("FailedScheduling in kubectl describe")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("describe", "pod", "huge", "-n", ns).stdout())
                    .containsPattern(
                        "Warning\\s+FailedScheduling\\s+.*default-scheduler\\s+"
                            + Pattern.quote(expected)));
    assertThat(kubectl.json("get", "pod", "huge", "-n", ns).at("/spec/nodeName").isMissingNode())
        .isTrue();

    // A node it fits on appears: the node event moves it back to the active queue at once, not
    // after the 5 minutes an unschedulable pod waits without one.
    Instant added = Instant.now();
    create(kubectl, null, nodeYaml("big-" + s, "8", "disk: ssd", null));
    assertThat(awaitBound(kubectl, ns, "huge")).containsEntry("huge", "big-" + s);
    Duration took = Duration.between(added, Instant.now());
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    await("Scheduled in kubectl describe")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("describe", "pod", "huge", "-n", ns).stdout())
                    .containsPattern(
                        "Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned "
                            + ns
                            + "/huge to big-"
                            + s));
    JsonNode huge = kubectl.json("get", "pod", "huge", "-n", ns);
    assertThat(conditionOf(huge, "PodScheduled").at("/status").asString()).isEqualTo("True");
  }

  /**
   * Without kubelets a preempted pod is only marked for deletion: upstream's API server gives a
   * bound pod its terminationGracePeriodSeconds (30 s here) and only its kubelet finishes the
   * delete. The preemptor is nominated and waits for the victim to go, as upstream's scheduler does
   * (a terminating victim on the nominated node keeps it from preempting again); an administrator
   * force-deletes pods of a lost node, and the preemptor then binds to its nominated node.
   */
  @Test
  @Order(2)
  void aHighPriorityPodPreemptsALowPriorityOne() {
    Kubectl kubectl = use(KubectlBinary.of("1.27"));
    String ns = "preempt";
    create(
        kubectl,
        null,
        """
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: e2e-low}
        value: 100
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: e2e-high}
        value: 1000000
        ---
        """
            + nodeYaml("pre-1", "2", "pool: pre", null));
    assertThat(kubectl.run("create", "namespace", ns).exitCode()).isZero();
    create(kubectl, ns, podYaml("victim", "1500m", "  priorityClassName: e2e-low\n"));
    assertThat(awaitBound(kubectl, ns, "victim")).containsEntry("victim", "pre-1");
    JsonNode victimBefore = kubectl.json("get", "pod", "victim", "-n", ns);
    assertThat(victimBefore.at("/spec/priority").asInt()).isEqualTo(100);

    create(kubectl, ns, podYaml("preemptor", "1500m", "  priorityClassName: e2e-high\n"));
    String preemptorUid =
        kubectl.json("get", "pod", "preemptor", "-n", ns).at("/metadata/uid").asString();
    await("the victim marked for deletion and the preemptor nominated")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              JsonNode victim = kubectl.json("get", "pod", "victim", "-n", ns);
              assertThat(victim.at("/metadata/deletionTimestamp").asString("")).isNotEmpty();
              JsonNode disruption = conditionOf(victim, "DisruptionTarget");
              assertThat(disruption.at("/status").asString("")).isEqualTo("True");
              assertThat(disruption.at("/reason").asString("")).isEqualTo("PreemptionByScheduler");
              JsonNode preemptor = kubectl.json("get", "pod", "preemptor", "-n", ns);
              assertThat(preemptor.at("/status/nominatedNodeName").asString("")).isEqualTo("pre-1");
            });
    await("Preempted in kubectl describe")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("describe", "pod", "victim", "-n", ns).stdout())
                    .containsPattern(
                        "Normal\\s+Preempted\\s+.*default-scheduler\\s+Preempted by pod "
                            + preemptorUid
                            + " on node pre-1"));
    // The victim still holds its CPU while it terminates: the preemptor waits, nominated.
    JsonNode waiting = kubectl.json("get", "pod", "preemptor", "-n", ns);
    assertThat(waiting.at("/spec/nodeName").isMissingNode()).as(waiting.toString()).isTrue();
    assertThat(kubectl.run("get", "pod", "victim", "-n", ns).stdout()).contains("Terminating");

    Kubectl.Result forced =
        kubectl.run("delete", "pod", "victim", "-n", ns, "--grace-period=0", "--force");
    assertThat(forced.exitCode()).as(forced.toString()).isZero();
    assertThat(awaitBound(kubectl, ns, "preemptor")).containsEntry("preemptor", "pre-1");
    assertThat(kubectl.run("get", "pod", "victim", "-n", ns).stderr()).contains("NotFound");
  }

  /**
   * SIGKILL of the replica holding the Lease: it cannot release it, so the other one takes over
   * once the lease expires (its renewTime plus leaseDurationSeconds) and schedules the next pod.
   */
  @Test
  @Order(3)
  void killingTheLeaderHandsSchedulingToTheOtherReplica() {
    Kubectl kubectl = use(KubectlBinary.of("1.32"));
    String ns = "failover";
    create(kubectl, null, nodeYaml("fo-1", "4", "pool: fo", null));
    assertThat(kubectl.run("create", "namespace", ns).exitCode()).isZero();
    create(kubectl, ns, podYaml("before", "100m", ""));
    assertThat(awaitBound(kubectl, ns, "before")).containsEntry("before", "fo-1");

    JsonNode lease = kubectl.json("get", "lease", "kube-scheduler", "-n", "kube-system");
    SchedulerReplica leader = replicaHolding(lease.at("/spec/holderIdentity").asString());
    assertThat(leader).as("the Lease's holder is one of the replicas: " + lease).isNotNull();
    SchedulerReplica survivor = replicas.get(1 - replicas.indexOf(leader));
    assertThat(survivor.alive()).as(survivor.logTail()).isTrue();
    Instant lastRenewSeen = Instant.parse(lease.at("/spec/renewTime").asString());
    int transitions = lease.at("/spec/leaseTransitions").asInt();

    leader.kill();
    Instant killed = Instant.now();
    create(kubectl, ns, podYaml("after", "100m", ""));
    assertThat(awaitBound(kubectl, ns, "after")).containsEntry("after", "fo-1");
    Duration toScheduled = Duration.between(killed, Instant.now());

    JsonNode taken = kubectl.json("get", "lease", "kube-scheduler", "-n", "kube-system");
    assertThat(taken.at("/spec/holderIdentity").asString())
        .as(survivor.logTail())
        .isEqualTo(survivor.identity());
    assertThat(taken.at("/spec/leaseTransitions").asInt()).isGreaterThan(transitions);
    Instant acquired = Instant.parse(taken.at("/spec/acquireTime").asString());
    // The survivor respected the dead leader's lease, and took over as soon as it expired.
    assertThat(acquired).isAfterOrEqualTo(lastRenewSeen.plus(LEASE_DURATION));
    assertThat(Duration.between(killed, acquired))
        .as("takeover after the kill (lease %s, retry %s)", LEASE_DURATION, RETRY_PERIOD)
        .isLessThan(LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(2)).plusSeconds(5));
    assertThat(toScheduled).isLessThan(SCHEDULED);
    System.out.printf(
        "%s killed: %s took the lease after %d ms and bound the next pod after %d ms%n",
        leader.name(),
        survivor.name(),
        Duration.between(killed, acquired).toMillis(),
        toScheduled.toMillis());
    assertThat(survivor.output())
        .contains("Successfully acquired lease kube-system/kube-scheduler");
  }

  // ---- helpers ----

  private Kubectl use(KubectlBinary binary) {
    lastKubectl = kubectl(binary);
    return lastKubectl;
  }

  private static Kubectl kubectl(KubectlBinary binary) {
    require(binary);
    return new Kubectl(
        binary,
        server.kubeconfig(),
        dir.resolve("kubectl-" + binary.slug() + "-" + kubectls.incrementAndGet()));
  }

  /** As the e2e module's rule for external tools: fail when CI=true, else skip. */
  private static void require(KubectlBinary binary) {
    if (binary.installed()) {
      return;
    }
    String what = "kubectl " + binary.version() + " (" + binary.path() + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(what + " is missing and CI=true: install it (see .ci/run)");
    }
    Assumptions.abort(what + " is missing: skipped outside CI");
  }

  private static void create(Kubectl kubectl, String ns, String yaml) {
    List<String> args = new ArrayList<>(List.of("create", "-f", "-"));
    if (ns != null) {
      args.addAll(List.of("-n", ns));
    }
    Kubectl.Result r = kubectl.runWithInput(yaml, args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  /** A Node as a kubelet would register it: capacity and allocatable, no conditions needed. */
  private static String nodeYaml(String name, String cpu, String label, String taint) {
    String spec = "";
    if (taint != null) {
      String[] kv = taint.split("[=:]");
      spec = "spec:\n  taints: [{key: %s, value: %s, effect: %s}]\n".formatted(kv[0], kv[1], kv[2]);
    }
    return """
    apiVersion: v1
    kind: Node
    metadata:
      name: %s
      labels: {%s, kubernetes.io/hostname: %s}
    %sstatus:
      capacity: {cpu: "%s", memory: 16Gi, pods: "110"}
      allocatable: {cpu: "%s", memory: 16Gi, pods: "110"}
    ---
    """
        .formatted(name, label, name, spec, cpu, cpu);
  }

  /** A pod of one pause container requesting {@code cpu} (none if null), plus spec lines. */
  private static String podYaml(String name, String cpu, String extraSpec) {
    String resources = cpu == null ? "" : ", resources: {requests: {cpu: \"" + cpu + "\"}}";
    return """
    apiVersion: v1
    kind: Pod
    metadata: {name: %s}
    spec:
    %s  containers: [{name: c, image: %s%s}]
    ---
    """
        .formatted(name, extraSpec, PAUSE, resources);
  }

  /** Waits until every pod named has a node, and returns pod → node. */
  private static Map<String, String> awaitBound(Kubectl kubectl, String ns, String... pods) {
    Map<String, String> nodes = new LinkedHashMap<>();
    await("pods " + String.join(", ", pods) + " bound")
        .atMost(SCHEDULED)
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "no scheduler replica is running",
            () -> replicas.stream().noneMatch(SchedulerReplica::alive))
        .until(
            () -> {
              for (String pod : pods) {
                String node =
                    kubectl
                        .run("get", "pod", pod, "-n", ns, "-o", "jsonpath={.spec.nodeName}")
                        .stdout();
                if (node.isEmpty()) {
                  return false;
                }
                nodes.put(pod, node);
              }
              return true;
            });
    return nodes;
  }

  private static JsonNode conditionOf(JsonNode pod, String type) {
    for (JsonNode c : pod.at("/status/conditions")) {
      if (type.equals(c.at("/type").asString(""))) {
        return c;
      }
    }
    throw new AssertionError("no " + type + " condition: " + pod);
  }

  private static String leaseHolder(Kubectl kubectl) {
    Kubectl.Result r =
        kubectl.run(
            "get",
            "lease",
            "kube-scheduler",
            "-n",
            "kube-system",
            "-o",
            "jsonpath={.spec.holderIdentity}");
    return r.exitCode() == 0 ? r.stdout() : null;
  }

  private static SchedulerReplica replicaHolding(String identity) {
    if (identity == null || identity.isEmpty()) {
      return null;
    }
    return replicas.stream().filter(r -> identity.equals(r.identity())).findFirst().orElse(null);
  }

  private static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is no failure
    }
  }
}
