package dev.kvx.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.e2e.Kubectl;
import dev.kvx.e2e.KubectlBinary;
import dev.kvx.e2e.cluster.ProcessCluster.Component;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The kind-style end-to-end suite: one cluster of separate processes (etcd, {@code kvx apiserver},
 * {@code scheduler}, {@code controller-manager} and three {@code kubelet-agent}s on real Docker),
 * driven the way users drive a cluster — by kubectl 1.27 and 1.32 and by fabric8 — through the
 * scenarios Kubernetes users rely on: Deployment create/scale/update/rollback with {@code kubectl
 * rollout}, garbage collection, self-healing, node loss, Jobs, DaemonSets, StatefulSet ordering,
 * EndpointSlices, namespace deletion, and a rollout that survives a restart of every control-plane
 * component.
 *
 * <p>The scenarios run in order on one cluster (starting one costs most of a minute on two busy
 * cores), each in namespaces of its own; the last two stop and restart processes. Waits have
 * deadlines and poll; readiness that a scenario must control comes from a {@link ReadinessGate}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScenariosTest {

  static final int NODES = 3;

  /** Pods start in a second or two; this is for a loaded CI machine. */
  static final Duration DEADLINE = Duration.ofSeconds(90);

  /**
   * The cluster's node monitor grace period (shortened from upstream's 50 s) until a lost node is
   * marked Unknown and tainted, with room for a loaded machine.
   */
  static final Duration NODE_LOSS_DEADLINE =
      ProcessCluster.NODE_MONITOR_GRACE_PERIOD.plus(Duration.ofSeconds(60));

  static final String ROLLOUT_TIMEOUT = "--timeout=180s";

  /** A finalizer no controller owns: what it holds stays until the test removes it. */
  static final String HOLD = "e2e.kvx.dev/hold";

  @RegisterExtension static final ProcessClusterExtension kind = new ProcessClusterExtension(NODES);

  /** Readiness gates' host directories. */
  @TempDir static Path dir;

  ProcessCluster cluster;
  KubernetesClient client;

  @BeforeAll
  void useCluster() {
    cluster = kind.cluster();
    client = cluster.client();
    Workloads.tagImages(cluster.docker());
  }

  // ---- Deployments through kubectl ------------------------------------------------------------

  /**
   * {@code kubectl create deployment}, {@code scale}, {@code set image}, {@code rollout status},
   * {@code rollout history}, {@code rollout undo}; deleting the Deployment deletes its ReplicaSets
   * and pods.
   */
  @Order(1)
  @Test
  void deploymentCreateScaleUpdateRollBackDelete() {
    withEachKubectl(this::deploymentLifecycle);
  }

  private void deploymentLifecycle(Kubectl k) {
    String ns = "deploy-" + k.binary().slug();
    ok(k, "create", "namespace", ns);
    List<String> create =
        new ArrayList<>(
            List.of(
                "-n",
                ns,
                "create",
                "deployment",
                "web",
                "--image=" + Workloads.IMAGE_V1,
                "--replicas=1",
                "--"));
    create.addAll(Workloads.SERVE);
    assertThat(ok(k, create.toArray(String[]::new)).stdout())
        .contains("deployment.apps/web created");
    rolledOut(k, ns, "deployment/web");
    awaitPods(ns, "app=web", 1, Workloads.IMAGE_V1);

    assertThat(ok(k, "-n", ns, "scale", "deployment", "web", "--replicas=2").stdout())
        .contains("deployment.apps/web scaled");
    rolledOut(k, ns, "deployment/web");
    awaitPods(ns, "app=web", 2, Workloads.IMAGE_V1);

    assertThat(
            ok(k, "-n", ns, "set", "image", "deployment/web", "e2e-web=" + Workloads.IMAGE_V2)
                .stdout())
        .contains("deployment.apps/web image updated");
    rolledOut(k, ns, "deployment/web");
    awaitPods(ns, "app=web", 2, Workloads.IMAGE_V2);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(replicaSets(ns, "app=web"))
                    .as("the new ReplicaSet has every replica, the old one none")
                    .containsExactlyInAnyOrder(
                        Workloads.IMAGE_V1 + "=0", Workloads.IMAGE_V2 + "=2"));
    assertThat(revisions(k, ns, "deployment/web")).containsExactly("1", "2");

    assertThat(ok(k, "-n", ns, "rollout", "undo", "deployment/web").stdout())
        .contains("deployment.apps/web rolled back");
    rolledOut(k, ns, "deployment/web");
    awaitPods(ns, "app=web", 2, Workloads.IMAGE_V1);
    // The undone revision 1 comes back as revision 3, as upstream renumbers it.
    assertThat(revisions(k, ns, "deployment/web")).containsExactly("2", "3");
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "3");

    assertThat(ok(k, "-n", ns, "delete", "deployment", "web").stdout())
        .contains("deployment.apps \"web\" deleted");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems())
                  .as("ReplicaSets of the deleted Deployment")
                  .isEmpty();
              assertThat(client.pods().inNamespace(ns).list().getItems())
                  .as("pods of the deleted Deployment")
                  .isEmpty();
            });
  }

  // ---- Self-healing -----------------------------------------------------------------------------

  /**
   * A container killed with {@code docker kill} is restarted in place; a deleted pod is replaced.
   */
  @Order(2)
  @Test
  void killedContainerRestartsAndDeletedPodIsReplaced() {
    String ns = "heal";
    createNamespace(ns);
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            deployment(
                "heal", 2, Workloads.template(Map.of("app", "heal"), Workloads.app().build())))
        .create();
    List<Pod> pods = awaitPods(ns, "app=heal", 2, Workloads.IMAGE_V1);

    Pod crashed = pods.get(0);
    String name = crashed.getMetadata().getName();
    var containers = cluster.docker().appContainers(ns, name);
    assertThat(containers).as("app containers of " + name).hasSize(1);
    cluster.docker().kill(containers.get(0).getId());
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              Pod now = client.pods().inNamespace(ns).withName(name).get();
              assertThat(now.getMetadata().getUid()).isEqualTo(crashed.getMetadata().getUid());
              assertThat(Pods.restarts(now)).as("restartCount").isEqualTo(1);
              assertThat(Pods.ready(now)).as("ready again").isTrue();
            });
    assertThat(cluster.docker().appContainers(ns, name))
        .as("the killed container and its replacement")
        .hasSize(2);

    Pod deleted = pods.get(1);
    client.pods().inNamespace(ns).withName(deleted.getMetadata().getName()).delete();
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              List<Pod> now = pods(ns, "app=heal");
              assertThat(now)
                  .extracting(p -> p.getMetadata().getUid())
                  .doesNotContain(deleted.getMetadata().getUid());
              assertThat(now).hasSize(2).allMatch(Pods::ready);
              assertThat(now).extracting(p -> p.getMetadata().getName()).contains(name);
            });
  }

  // ---- Jobs -------------------------------------------------------------------------------------

  /** {@code kubectl create job} runs to Complete; {@code kubectl wait} and {@code logs} see it. */
  @Order(3)
  @Test
  void jobRunsToCompletion() {
    withEachKubectl(this::jobToCompletion);
  }

  private void jobToCompletion(Kubectl k) {
    String ns = "job-" + k.binary().slug();
    ok(k, "create", "namespace", ns);
    ok(
        k,
        "-n",
        ns,
        "create",
        "job",
        "hello",
        "--image=" + Workloads.IMAGE_V1,
        "--",
        "sh",
        "-c",
        "echo hello from $(hostname)");
    Kubectl.Result waited =
        ok(k, "-n", ns, "wait", "--for=condition=complete", "job/hello", ROLLOUT_TIMEOUT);
    assertThat(waited.stdout()).contains("job.batch/hello condition met");

    Job job = client.batch().v1().jobs().inNamespace(ns).withName("hello").get();
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getStatus().getCompletionTime()).isNotNull();
    List<Pod> pods = client.pods().inNamespace(ns).withLabel("job-name", "hello").list().getItems();
    assertThat(pods).hasSize(1);
    assertThat(Pods.phase(pods.get(0))).isEqualTo("Succeeded");
    // Through the API server to the pod's agent and its container's log.
    assertThat(ok(k, "-n", ns, "logs", "job/hello").stdout())
        .isEqualTo("hello from " + pods.get(0).getMetadata().getName() + "\n");
  }

  // ---- DaemonSets -------------------------------------------------------------------------------

  /** {@code kubectl apply} of a DaemonSet: one ready pod on every node, rollout status done. */
  @Order(4)
  @Test
  void daemonSetRunsOnePodPerNode() {
    withEachKubectl(this::daemonSetOnEveryNode);
  }

  private void daemonSetOnEveryNode(Kubectl k) {
    String ns = "ds-" + k.binary().slug();
    ok(k, "create", "namespace", ns);
    String manifest =
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: agent
                image: %s
                imagePullPolicy: IfNotPresent
                command: [sh, -c, "%s"]
        """
            .formatted(Workloads.IMAGE_V1, Workloads.SERVE.get(2));
    assertThat(k.runWithInput(manifest, "-n", ns, "apply", "-f", "-"))
        .satisfies(r -> assertThat(r.exitCode()).as(r.toString()).isZero())
        .satisfies(r -> assertThat(r.stdout()).contains("daemonset.apps/agent created"));
    assertThat(ok(k, "-n", ns, "rollout", "status", "daemonset/agent", ROLLOUT_TIMEOUT).stdout())
        .contains("daemon set \"agent\" successfully rolled out");
    List<Pod> pods = awaitPods(ns, "app=agent", NODES, Workloads.IMAGE_V1);
    assertThat(pods)
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrderElementsOf(cluster.nodeNames());
    var status = client.apps().daemonSets().inNamespace(ns).withName("agent").get().getStatus();
    assertThat(status.getDesiredNumberScheduled()).isEqualTo(NODES);
    assertThat(status.getNumberReady()).isEqualTo(NODES);
  }

  // ---- StatefulSets -----------------------------------------------------------------------------

  /**
   * OrderedReady: pod N+1 is created only once pod N is Ready; scaling down removes the highest
   * ordinal first and waits until it is gone before the next.
   */
  @Order(5)
  @Test
  void statefulSetCreatesAndRemovesPodsInOrder() {
    String ns = "sts";
    createNamespace(ns);
    client
        .services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(Map.of("app", "web"))
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build())
        .create();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    try (Watch ignored = client.pods().inNamespace(ns).watch(new PodHistory(events))) {
      client
          .apps()
          .statefulSets()
          .inNamespace(ns)
          .resource(
              new StatefulSetBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(3)
                  .withServiceName("web")
                  .withNewSelector()
                  .withMatchLabels(Map.of("app", "web"))
                  .endSelector()
                  .withTemplate(Workloads.template(Map.of("app", "web"), Workloads.app().build()))
                  .endSpec()
                  .build())
          .create();
      List<Pod> pods = awaitPods(ns, "app=web", 3, Workloads.IMAGE_V1);
      assertThat(pods)
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("web-0", "web-1", "web-2");
      assertThat(pods)
          .allSatisfy(
              p -> assertThat(p.getSpec().getHostname()).isEqualTo(p.getMetadata().getName()))
          .allSatisfy(p -> assertThat(p.getSpec().getSubdomain()).isEqualTo("web"));
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(snapshot(events))
                      .containsSubsequence(
                          "added web-0",
                          "ready web-0",
                          "added web-1",
                          "ready web-1",
                          "added web-2"));

      client.apps().statefulSets().inNamespace(ns).withName("web").scale(1);
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(pods(ns, "app=web"))
                      .extracting(p -> p.getMetadata().getName())
                      .containsExactly("web-0"));
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () -> assertThat(snapshot(events)).contains("deleted web-2", "deleted web-1"));
      assertThat(snapshot(events))
          .as("web-1 is deleted only once web-2 is gone")
          .containsSubsequence("deleted web-2", "terminating web-1");
    }
  }

  /** A copy of a list the watch thread appends to, safe to iterate. */
  private static List<String> snapshot(List<String> events) {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Records pod lifecycle steps in watch order: added, ready, terminating, deleted. */
  private static final class PodHistory implements Watcher<Pod> {
    private final List<String> events;
    private final Set<String> seen = new HashSet<>();

    PodHistory(List<String> events) {
      this.events = events;
    }

    @Override
    public void eventReceived(Action action, Pod pod) {
      String name = pod.getMetadata().getName();
      switch (action) {
        case ADDED, MODIFIED -> {
          once("added " + name);
          if (Pods.ready(pod)) {
            once("ready " + name);
          }
          if (Pods.terminating(pod)) {
            once("terminating " + name);
          }
        }
        case DELETED -> {
          once("terminating " + name);
          once("deleted " + name);
        }
        default -> {}
      }
    }

    private void once(String event) {
      if (seen.add(event)) {
        events.add(event);
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  // ---- Services and EndpointSlices --------------------------------------------------------------

  /** A Service's EndpointSlice lists exactly its ready pods' IPs, as readiness and pods change. */
  @Order(6)
  @Test
  void endpointSliceFollowsReadyPods() {
    String ns = "eps";
    createNamespace(ns);
    ReadinessGate gate = new ReadinessGate(dir.resolve("gates").resolve(ns));
    PodTemplateSpec template =
        Workloads.template(
            Map.of("app", "backend"),
            Workloads.app()
                .withEnv(ReadinessGate.keyFrom("metadata.name"))
                .withReadinessProbe(ReadinessGate.probe())
                .withVolumeMounts(gate.mount())
                .withPorts(
                    new ContainerPortBuilder().withName("http").withContainerPort(8080).build())
                .build());
    template.getSpec().setVolumes(List.of(gate.volume()));
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(deployment("backend", 3, template))
        .create();
    // The Service's targetPort is the container port's name, resolved per pod by the controller.
    Kubectl k = cluster.kubectl(KubectlBinary.of("1.32"));
    assertThat(
            ok(k, "-n", ns, "expose", "deployment", "backend", "--port=80", "--target-port=http")
                .stdout())
        .contains("service/backend exposed");

    List<Pod> running =
        await()
            .atMost(DEADLINE)
            .until(
                () ->
                    pods(ns, "app=backend").stream()
                        .filter(p -> "Running".equals(Pods.phase(p)) && Pods.ip(p) != null)
                        .toList(),
                l -> l.size() == 3);
    assertThat(running).noneMatch(Pods::ready);
    gate.open(running.get(0).getMetadata().getName());
    gate.open(running.get(1).getMetadata().getName());
    awaitReadyEndpoints(ns, "backend", Set.of(Pods.ip(running.get(0)), Pods.ip(running.get(1))));
    EndpointSlice slice = slices(ns, "backend").get(0);
    assertThat(slice.getAddressType()).isEqualTo("IPv4");
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));

    gate.open(running.get(2).getMetadata().getName());
    awaitReadyEndpoints(ns, "backend", running.stream().map(Pods::ip).collect(Collectors.toSet()));

    gate.close(running.get(0).getMetadata().getName());
    awaitReadyEndpoints(ns, "backend", Set.of(Pods.ip(running.get(1)), Pods.ip(running.get(2))));

    Pod deleted = running.get(1);
    client.pods().inNamespace(ns).withName(deleted.getMetadata().getName()).delete();
    awaitReadyEndpoints(ns, "backend", Set.of(Pods.ip(running.get(2))));
    Pod replacement =
        await()
            .atMost(DEADLINE)
            .until(
                () ->
                    pods(ns, "app=backend").stream()
                        .filter(
                            p ->
                                !running.stream()
                                    .map(r -> r.getMetadata().getUid())
                                    .toList()
                                    .contains(p.getMetadata().getUid()))
                        .filter(p -> Pods.ip(p) != null)
                        .findFirst()
                        .orElse(null),
                Objects::nonNull);
    gate.open(replacement.getMetadata().getName());
    Set<String> ready = Set.of(Pods.ip(running.get(2)), Pods.ip(replacement));
    awaitReadyEndpoints(ns, "backend", ready);

    // kubectl reads the same: the slice's ready endpoints are exactly the ready pods.
    JsonNode slices =
        cluster
            .kubectl(KubectlBinary.of("1.27"))
            .json("-n", ns, "get", "endpointslices", "-l", "kubernetes.io/service-name=backend");
    List<String> listed = new ArrayList<>();
    for (JsonNode item : slices.path("items")) {
      for (JsonNode e : item.path("endpoints")) {
        if (e.path("conditions").path("ready").asBoolean(false)) {
          e.path("addresses").forEach(a -> listed.add(a.asString()));
        }
      }
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(ready);
  }

  private void awaitReadyEndpoints(String ns, String service, Set<String> ips) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(readyAddresses(ns, service))
                    .as("ready addresses of the EndpointSlices of " + service)
                    .containsExactlyInAnyOrderElementsOf(ips));
  }

  private List<EndpointSlice> slices(String ns, String service) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .withLabel("kubernetes.io/service-name", service)
        .list()
        .getItems();
  }

  private List<String> readyAddresses(String ns, String service) {
    List<String> ips = new ArrayList<>();
    for (EndpointSlice s : slices(ns, service)) {
      for (Endpoint e : s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints()) {
        if (e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())) {
          ips.addAll(e.getAddresses());
        }
      }
    }
    return ips;
  }

  // ---- Namespaces -------------------------------------------------------------------------------

  /**
   * {@code kubectl delete namespace}: the namespace stays Terminating, its conditions naming what
   * is left, until its contents are gone — here held by a finalizer the test removes last — then
   * disappears with everything in it; kubectl returns once it is gone.
   */
  @Order(7)
  @Test
  void namespaceDeletionEmptiesThenRemovesIt() {
    withEachKubectl(this::namespaceDeletion);
  }

  private void namespaceDeletion(Kubectl k) {
    String ns = "doomed-" + k.binary().slug();
    ok(k, "create", "namespace", ns);
    String manifest =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: web
                image: %s
                command: [sh, -c, "%s"]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          finalizers: [%s]
        data:
          mode: e2e
        """
            .formatted(Workloads.IMAGE_V1, Workloads.SERVE.get(2), HOLD);
    Kubectl.Result applied = k.runWithInput(manifest, "-n", ns, "apply", "-f", "-");
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    ok(k, "-n", ns, "create", "service", "clusterip", "web", "--tcp=80:8080");
    rolledOut(k, ns, "deployment/web");

    try (Kubectl.Background delete = k.start("delete", "namespace", ns)) {
      // Everything else goes; the finalizer holds the ConfigMap, and with it the namespace.
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () -> {
                assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
                assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).isEmpty();
                assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
                JsonNode namespace = k.json("get", "namespace", ns);
                assertThat(namespace.at("/status/phase").asString("")).isEqualTo("Terminating");
                assertThat(condition(namespace, "NamespaceFinalizersRemaining"))
                    .contains("\"status\":\"True\"")
                    .contains(HOLD);
                assertThat(condition(namespace, "NamespaceContentRemaining"))
                    .contains("\"status\":\"True\"")
                    .contains("configmaps");
              });
      assertThat(ok(k, "get", "namespace", ns, "--no-headers").stdout()).contains("Terminating");
      assertThat(delete.alive()).as("kubectl delete waits: " + delete).isTrue();
      for (String node : cluster.nodeNames()) {
        assertThat(cluster.docker().runningOnNode(node, ns))
            .as("containers of " + ns + " on " + node)
            .isEmpty();
      }

      ok(
          k,
          "-n",
          ns,
          "patch",
          "configmap",
          "settings",
          "--type=json",
          "-p",
          "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");
      Kubectl.Result deleted = delete.await(DEADLINE);
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      assertThat(deleted.stdout()).contains("namespace \"" + ns + "\" deleted");
    }
    Kubectl.Result gone = k.run("get", "namespace", ns);
    assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(1);
    assertThat(gone.stderr()).contains("NotFound");
    assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
  }

  /** The namespace condition of {@code type} as JSON text, or "" when there is none. */
  private static String condition(JsonNode namespace, String type) {
    for (JsonNode c : namespace.at("/status/conditions")) {
      if (type.equals(c.path("type").asString(""))) {
        return c.toString();
      }
    }
    return "";
  }

  // ---- Node loss --------------------------------------------------------------------------------

  /**
   * A stopped kubelet-agent: after the cluster's node monitor grace period its node turns NotReady
   * (Ready=Unknown, unreachable taints), its pods are evicted and recreated on the other nodes, but
   * its DaemonSet pod (which tolerates the taints) stays; started again, the node is Ready and
   * untainted, the agent adopts the daemon pod and removes the evicted pods' containers.
   */
  @Order(8)
  @Test
  void lostNodeIsTaintedAndItsPodsMoveElsewhere() {
    String ns = "failover";
    createNamespace(ns);
    PodTemplateSpec template = Workloads.template(Map.of("app", "spread"), Workloads.app().build());
    // Evict a second after the taint instead of after the default 300 s.
    template
        .getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("node.kubernetes.io/unreachable")
                    .withOperator("Exists")
                    .withEffect("NoExecute")
                    .withTolerationSeconds(1L)
                    .build(),
                new TolerationBuilder()
                    .withKey("node.kubernetes.io/not-ready")
                    .withOperator("Exists")
                    .withEffect("NoExecute")
                    .withTolerationSeconds(1L)
                    .build()));
    template
        .getSpec()
        .setTopologySpreadConstraints(
            List.of(
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("kubernetes.io/hostname")
                    .withWhenUnsatisfiable("ScheduleAnyway")
                    .withNewLabelSelector()
                    .withMatchLabels(Map.of("app", "spread"))
                    .endLabelSelector()
                    .build()));
    client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(deployment("spread", 3, template))
        .create();
    client
        .apps()
        .daemonSets()
        .inNamespace(ns)
        .resource(
            new DaemonSetBuilder()
                .withNewMetadata()
                .withName("node-agent")
                .endMetadata()
                .withNewSpec()
                .withNewSelector()
                .withMatchLabels(Map.of("app", "node-agent"))
                .endSelector()
                .withTemplate(
                    Workloads.template(Map.of("app", "node-agent"), Workloads.app().build()))
                .endSpec()
                .build())
        .create();
    List<Pod> before = awaitPods(ns, "app=spread", 3, Workloads.IMAGE_V1);
    String lost = before.get(0).getSpec().getNodeName();
    Set<String> evicted =
        before.stream()
            .filter(p -> lost.equals(p.getSpec().getNodeName()))
            .map(p -> p.getMetadata().getName())
            .collect(Collectors.toSet());
    Pod daemon =
        awaitPods(ns, "app=node-agent", NODES, Workloads.IMAGE_V1).stream()
            .filter(p -> lost.equals(p.getSpec().getNodeName()))
            .findFirst()
            .orElseThrow();

    Instant stopping = Instant.now();
    cluster.stopNode(lost);
    Kubectl k = cluster.kubectl(KubectlBinary.of("1.32"));
    await()
        .atMost(NODE_LOSS_DEADLINE)
        .untilAsserted(
            () -> {
              Node node = client.nodes().withName(lost).get();
              assertThat(Nodes.readyStatus(node)).as("Ready of " + lost).isEqualTo("Unknown");
              assertThat(Nodes.taints(node))
                  .contains(
                      "node.kubernetes.io/unreachable:NoSchedule",
                      "node.kubernetes.io/unreachable:NoExecute");
            });
    // The agent renewed its Lease at most 10 s before it stopped: upstream's 50 s grace period
    // could not mark the node before 40 s had passed, the cluster's shorter one does well before.
    Duration lostAfter =
        Duration.between(stopping, Nodes.readySince(client.nodes().withName(lost).get()));
    assertThat(lostAfter)
        .as("time from stopping the agent to Ready=Unknown")
        .isLessThan(Duration.ofSeconds(40));
    assertThat(ok(k, "get", "node", lost, "--no-headers").stdout()).contains("NotReady");
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              List<Pod> all =
                  client.pods().inNamespace(ns).withLabel("app", "spread").list().getItems();
              assertThat(all)
                  .filteredOn(p -> evicted.contains(p.getMetadata().getName()))
                  .as("pods of the lost node are evicted")
                  .allMatch(Pods::terminating);
              List<Pod> serving = all.stream().filter(Pods::ready).toList();
              assertThat(serving).hasSize(3);
              assertThat(serving).noneMatch(p -> lost.equals(p.getSpec().getNodeName()));
            });
    Pod stayed = client.pods().inNamespace(ns).withName(daemon.getMetadata().getName()).get();
    assertThat(stayed).as("the DaemonSet pod of the lost node").isNotNull();
    assertThat(stayed.getMetadata().getUid()).isEqualTo(daemon.getMetadata().getUid());
    assertThat(Pods.terminating(stayed)).as("the DaemonSet pod is not evicted").isFalse();

    cluster.startNode(lost);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              assertThat(Nodes.taints(client.nodes().withName(lost).get()))
                  .noneMatch(t -> t.startsWith("node.kubernetes.io/"));
              assertThat(client.pods().inNamespace(ns).withLabel("app", "spread").list().getItems())
                  .extracting(p -> p.getMetadata().getName())
                  .doesNotContainAnyElementsOf(evicted);
              for (String pod : evicted) {
                assertThat(cluster.docker().appContainers(ns, pod))
                    .as("containers of the evicted pod " + pod)
                    .isEmpty();
              }
              Pod adopted =
                  client.pods().inNamespace(ns).withName(daemon.getMetadata().getName()).get();
              assertThat(adopted.getMetadata().getUid()).isEqualTo(daemon.getMetadata().getUid());
              assertThat(Pods.ready(adopted)).as("the DaemonSet pod, adopted").isTrue();
              assertThat(Pods.restarts(adopted)).isZero();
            });
  }

  // ---- Control-plane restarts -------------------------------------------------------------------

  /**
   * A rollout held in the middle (the new pod's readiness gate closed) while the API server is
   * killed and restarted, then the scheduler and the controller manager are restarted; once the
   * gate opens, {@code kubectl rollout status} — running all along — reports success, with exactly
   * the new replicas and no surplus pod.
   */
  @Order(9)
  @Test
  void rolloutCompletesAcrossControlPlaneRestarts() {
    String ns = "restarts";
    createNamespace(ns);
    ReadinessGate gate = new ReadinessGate(dir.resolve("gates").resolve(ns));
    PodTemplateSpec template =
        Workloads.template(
            Map.of("app", "steady"),
            Workloads.app()
                .withEnv(ReadinessGate.keyFrom("metadata.labels['pod-template-hash']"))
                .withReadinessProbe(ReadinessGate.probe())
                .withVolumeMounts(gate.mount())
                .build());
    template.getSpec().setVolumes(List.of(gate.volume()));
    Deployment steady = deployment("steady", 3, template);
    steady
        .getSpec()
        .setStrategy(
            new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(new IntOrString(1))
                .withMaxUnavailable(new IntOrString(0))
                .endRollingUpdate()
                .build());
    client.apps().deployments().inNamespace(ns).resource(steady).create();
    String oldHash = awaitTemplateHashes(ns, "app=steady", 1).get(0);
    gate.open(oldHash);
    awaitPods(ns, "app=steady", 3, Workloads.IMAGE_V1);

    Kubectl current = cluster.kubectl(KubectlBinary.of("1.32"));
    Kubectl old = cluster.kubectl(KubectlBinary.of("1.27"));
    ok(current, "-n", ns, "set", "image", "deployment/steady", "app=" + Workloads.IMAGE_V2);
    String newHash =
        awaitTemplateHashes(ns, "app=steady", 2).stream()
            .filter(h -> !h.equals(oldHash))
            .findFirst()
            .orElseThrow();
    awaitSurgePod(ns, newHash);

    try (Kubectl.Background status =
        old.start("-n", ns, "rollout", "status", "deployment/steady", ROLLOUT_TIMEOUT)) {
      // Watching before anything restarts: kubectl reports the held rollout.
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(status.stdout())
                      .as(status.toString())
                      .contains("Waiting for deployment \"steady\" rollout to finish"));
      // The scheduler and the controller manager ride out the API server's restart, then go too.
      cluster.restart(true, Component.APISERVER);
      cluster.restart(false, Component.SCHEDULER, Component.CONTROLLER_MANAGER);
      // Still held: the old pods serve, one surge pod waits for its gate, nothing more.
      awaitSurgePod(ns, newHash);
      assertThat(status.alive()).as("kubectl rollout status still waiting: " + status).isTrue();

      gate.open(newHash);
      Kubectl.Result done = status.await(Duration.ofMinutes(3));
      assertThat(done.exitCode()).as(done.toString()).isZero();
      assertThat(done.stdout()).contains("deployment \"steady\" successfully rolled out");
    }
    List<Pod> pods = awaitPods(ns, "app=steady", 3, Workloads.IMAGE_V2);
    assertThat(pods)
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getLabels())
                    .containsEntry("pod-template-hash", newHash));
    Deployment done = client.apps().deployments().inNamespace(ns).withName("steady").get();
    assertThat(done.getStatus().getObservedGeneration())
        .isEqualTo(done.getMetadata().getGeneration());
    assertThat(done.getStatus().getUpdatedReplicas()).isEqualTo(3);
    assertThat(done.getStatus().getAvailableReplicas()).isEqualTo(3);
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(replicaSets(ns, "app=steady"))
                    .containsExactlyInAnyOrder(
                        Workloads.IMAGE_V1 + "=0", Workloads.IMAGE_V2 + "=3"));
  }

  /** Waits until the rollout holds: 3 ready old pods and exactly one (unready) pod of newHash. */
  private void awaitSurgePod(String ns, String newHash) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              List<Pod> live = pods(ns, "app=steady");
              Predicate<Pod> isNew =
                  p -> newHash.equals(p.getMetadata().getLabels().get("pod-template-hash"));
              assertThat(live)
                  .filteredOn(isNew)
                  .singleElement()
                  .satisfies(p -> assertThat(Pods.phase(p)).isEqualTo("Running"));
              assertThat(live).filteredOn(isNew.negate()).hasSize(3).allMatch(Pods::ready);
            });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Runs a kubectl scenario with every tested release ({@link KubectlBinary#tested()}) at once,
   * each in namespaces named after its release: the scenarios mostly wait for the cluster, so
   * running them side by side halves their time. Fails with every release's failure.
   */
  private void withEachKubectl(Consumer<Kubectl> scenario) {
    // Resolved here: a missing kubectl fails (CI) or skips the test on the test thread.
    List<Kubectl> kubectls = KubectlBinary.tested().stream().map(cluster::kubectl).toList();
    ExecutorService pool = Executors.newFixedThreadPool(kubectls.size());
    try {
      List<Future<?>> runs =
          kubectls.stream().<Future<?>>map(k -> pool.submit(() -> scenario.accept(k))).toList();
      AssertionError failure = null;
      for (int i = 0; i < runs.size(); i++) {
        try {
          runs.get(i).get();
        } catch (ExecutionException e) {
          AssertionError f =
              new AssertionError(
                  "with kubectl " + kubectls.get(i).binary() + ": " + e.getCause().getMessage(),
                  e.getCause());
          if (failure == null) {
            failure = f;
          } else {
            failure.addSuppressed(f);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Kubectl.Result ok(Kubectl k, String... args) {
    Kubectl.Result r = k.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  /** {@code kubectl rollout status} returns when done, and says so. */
  private static void rolledOut(Kubectl k, String ns, String resource) {
    Kubectl.Result r = ok(k, "-n", ns, "rollout", "status", resource, ROLLOUT_TIMEOUT);
    assertThat(r.stdout()).contains("successfully rolled out");
  }

  /** The REVISION column of {@code kubectl rollout history}. */
  private static List<String> revisions(Kubectl k, String ns, String resource) {
    List<String> lines = ok(k, "-n", ns, "rollout", "history", resource).stdout().lines().toList();
    int header =
        lines.indexOf(
            lines.stream().filter(l -> l.startsWith("REVISION")).findFirst().orElseThrow());
    return lines.subList(header + 1, lines.size()).stream()
        .filter(l -> !l.isBlank())
        .map(l -> l.trim().split("\\s+")[0])
        .toList();
  }

  private void createNamespace(String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
  }

  private static Deployment deployment(String name, int replicas, PodTemplateSpec template) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(template.getMetadata().getLabels())
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  /** Pods matching {@code selector} ({@code key=value}) that are not being deleted. */
  private List<Pod> pods(String ns, String selector) {
    String[] kv = selector.split("=", 2);
    return client.pods().inNamespace(ns).withLabel(kv[0], kv[1]).list().getItems().stream()
        .filter(Predicate.not(Pods::terminating))
        .toList();
  }

  /** Waits for exactly {@code count} live pods, all ready and running {@code image}. */
  private List<Pod> awaitPods(String ns, String selector, int count, String image) {
    List<List<Pod>> last = new ArrayList<>(List.of(List.of()));
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> {
              List<Pod> pods = pods(ns, selector);
              last.set(0, pods);
              assertThat(pods.stream().map(ClusterScenariosTest::summary).toList())
                  .as("live pods %s in %s", selector, ns)
                  .hasSize(count)
                  .allMatch(p -> p.endsWith(" ready " + image));
            });
    return last.get(0);
  }

  /** {@code name node phase ready|unready image}: what a failure message needs of a pod. */
  private static String summary(Pod p) {
    return p.getMetadata().getName()
        + " "
        + p.getSpec().getNodeName()
        + " "
        + Pods.phase(p)
        + (Pods.ready(p) ? " ready " : " unready ")
        + p.getSpec().getContainers().get(0).getImage();
  }

  /** Each ReplicaSet as {@code image=spec.replicas}. */
  private List<String> replicaSets(String ns, String selector) {
    String[] kv = selector.split("=", 2);
    return client
        .apps()
        .replicaSets()
        .inNamespace(ns)
        .withLabel(kv[0], kv[1])
        .list()
        .getItems()
        .stream()
        .map(
            rs ->
                rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
                    + "="
                    + rs.getSpec().getReplicas())
        .toList();
  }

  private List<String> awaitTemplateHashes(String ns, String selector, int count) {
    String[] kv = selector.split("=", 2);
    return await()
        .atMost(DEADLINE)
        .until(
            () ->
                client
                    .apps()
                    .replicaSets()
                    .inNamespace(ns)
                    .withLabel(kv[0], kv[1])
                    .list()
                    .getItems()
                    .stream()
                    .map(ReplicaSet::getMetadata)
                    .map(m -> m.getLabels().get("pod-template-hash"))
                    .toList(),
            l -> l.size() == count);
  }
}
