package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.KubeletAgent;
import dev.kvx.kubelet.KubeletOptions;
import dev.kvx.kubelet.KubeletTimings;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl run -i --rm} and {@code kubectl attach} (pods/attach) against an in-JVM API server
 * and an in-JVM kubelet-agent running the pods on the host's Docker engine, with kubectl 1.27
 * (SPDY/3.1, terminated in the API server) and 1.32 (WebSocket v5, relayed). There is no scheduler
 * here, so {@code kubectl run} pins its pod with {@code --overrides}, as users of a node-pinned
 * test do. Needs Docker and the local busybox image: fails without them when CI=true, skips
 * elsewhere.
 */
class KubectlAttachTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final String NS = "default";
  private static final String IMAGE = "kvx/busybox:latest";
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  private static Path dir;
  private static DockerClient docker;
  private static Vertx vertx;
  private static KubeletAgent agent;
  private static KubernetesClient client;
  private static String node;

  @BeforeAll
  static void startNode() throws Exception {
    docker = requireDocker();
    dir = Files.createTempDirectory("kvx-attach-");
    node = "attach-" + UUID.randomUUID().toString().substring(0, 8);
    vertx = Vertx.vertx();
    agent =
        KubeletAgent.start(
                vertx,
                new KubeletOptions()
                    .kubeconfig(server.kubeconfig())
                    .nodeName(node)
                    .rootDir(dir.resolve("agent"))
                    .address("127.0.0.1")
                    .port(0)
                    .nodeIp("127.0.0.1")
                    .sandboxImage(IMAGE)
                    .sandboxCommand(List.of("sleep", "2147483647"))
                    .timings(
                        KubeletTimings.upstream().withPlegRelistPeriod(Duration.ofMillis(300))))
            .await();
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())))
            .build();
    // The pods kubectl attach joins, up front so they start while the first test runs.
    for (KubectlBinary binary : KubectlBinary.tested()) {
      client
          .pods()
          .inNamespace(NS)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(ticker(binary))
                  .endMetadata()
                  .withNewSpec()
                  .withNodeName(node)
                  .withTerminationGracePeriodSeconds(0L)
                  .addNewContainer()
                  .withName("c")
                  .withImage(IMAGE)
                  .withImagePullPolicy("Never")
                  .withCommand(
                      "sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done")
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
  }

  @AfterAll
  static void stopNode() {
    try {
      if (client != null) {
        client.close();
      }
      if (agent != null) {
        agent.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (docker != null) {
        removeNodeContainers();
      }
      InJvmApiServer.deleteRecursively(dir);
    }
  }

  @EachKubectl
  void runPrintsTheCommandsOutputAndRemovesThePod(KubectlBinary binary) {
    String pod = "run-" + binary.slug();
    // The output comes a moment after the start: kubectl reads it through the attach.
    Kubectl.Result r = run(binary, null, pod, "sleep 2; echo hi");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr()).as(r.toString()).doesNotContain("falling back to streaming logs");
    assertThat(r.stdout())
        .as(r.toString())
        .startsWith("hi\n")
        .contains("pod \"" + pod + "\" deleted");
    awaitGone(pod);
  }

  @EachKubectl
  void runExitsWithTheContainersExitCode(KubectlBinary binary) {
    String pod = "exit-" + binary.slug();
    // Likely done before kubectl attaches: kubectl then prints the logs instead, as upstream.
    Kubectl.Result r = run(binary, null, pod, "echo hi; exit 3");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stdout()).as(r.toString()).startsWith("hi\n");
    assertThat(r.stderr()).as(r.toString()).contains("pod default/" + pod + " terminated (Error)");
    awaitGone(pod);
  }

  @EachKubectl
  void runFeedsStdinToTheContainer(KubectlBinary binary) {
    String pod = "stdin-" + binary.slug();
    Kubectl.Result r = run(binary, "hello\n", pod, "read x; echo got $x");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stderr()).as(r.toString()).doesNotContain("falling back to streaming logs");
    assertThat(r.stdout()).as(r.toString()).startsWith("got hello\n");
    awaitGone(pod);
  }

  @EachKubectl
  void attachShowsWhatARunningContainerWrites(KubectlBinary binary) {
    String pod = ticker(binary);
    awaitRunning(pod);
    try (Kubectl.Background attach = server.kubectl(binary).start("attach", pod, "-c", "c")) {
      // Two lines written after kubectl attached, each a second apart.
      await()
          .atMost(Duration.ofSeconds(60))
          .failFast("kubectl exited: " + attach, () -> !attach.alive())
          .until(() -> attach.lines().stream().filter(l -> l.matches("tick \\d+")).count() >= 2);
      assertThat(attach.lines()).allMatch(l -> l.matches("tick \\d+"), "only the pod's lines");
    }
  }

  @EachKubectl
  void attachToAMissingPodIsNotFound(KubectlBinary binary) {
    Kubectl.Result r = server.kubectl(binary).run("attach", "missing", "-n", NS);
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.stderr()).contains("pods \"missing\" not found");
  }

  /** {@code kubectl run -i --rm --restart=Never POD -- sh -c SCRIPT}, pinned to the node. */
  private static Kubectl.Result run(KubectlBinary binary, String stdin, String pod, String script) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "-i",
                "--rm",
                "--restart=Never",
                pod,
                "-n",
                NS,
                "--image=" + IMAGE,
                "--image-pull-policy=Never",
                "--overrides={\"spec\":{\"nodeName\":\"" + node + "\"}}",
                "--",
                "sh",
                "-c",
                script));
    return server.kubectl(binary).run(RUN_TIMEOUT, stdin, args);
  }

  private static String ticker(KubectlBinary binary) {
    return "ticker-" + binary.slug();
  }

  private static void awaitGone(String pod) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.pods().inNamespace(NS).withName(pod).get() == null);
  }

  private static void awaitRunning(String pod) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Pod p = client.pods().inNamespace(NS).withName(pod).get();
              List<ContainerStatus> statuses =
                  p == null || p.getStatus() == null
                      ? List.of()
                      : p.getStatus().getContainerStatuses();
              return statuses != null
                  && !statuses.isEmpty()
                  && statuses.get(0).getState() != null
                  && statuses.get(0).getState().getRunning() != null;
            });
  }

  /** The engine and the local busybox image, or the test fails (CI) / is skipped. */
  private static DockerClient requireDocker() {
    DockerClient engine = DockerClients.connect(null);
    String problem = null;
    try {
      engine.pingCmd().exec();
      try {
        engine.inspectImageCmd(IMAGE).exec();
      } catch (RuntimeException e) {
        problem = "the image " + IMAGE + " (built by .ci/run)";
      }
    } catch (RuntimeException e) {
      problem = "a Docker engine (" + e.getMessage() + ")";
    }
    if (problem != null) {
      try {
        engine.close();
      } catch (Exception ignored) {
        // nothing to release
      }
      RequiredTools.require(false, problem);
    }
    return engine;
  }

  private static void removeNodeContainers() {
    try {
      List<Container> left =
          docker
              .listContainersCmd()
              .withShowAll(true)
              .withLabelFilter(Map.of(RuntimeLabels.NODE, node))
              .exec();
      for (Container c : left) {
        try {
          docker.removeContainerCmd(c.getId()).withForce(true).exec();
        } catch (RuntimeException e) {
          // already gone
        }
      }
    } finally {
      try {
        docker.close();
      } catch (Exception ignored) {
        // nothing to release
      }
    }
  }
}
