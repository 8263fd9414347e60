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
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl logs}, {@code logs -f}, {@code exec} (with stdin and with an exit code) and
 * {@code cp} against an
 * in-JVM API server and an in-JVM kubelet-agent running the pods on the host's Docker engine, with
 * kubectl 1.27 (exec over SPDY/3.1, which the API server terminates) and 1.32 (exec over WebSocket
 * v5, relayed), plus one fabric8 exec (WebSocket v4). Needs Docker and the local busybox image:
 * fails without them when CI=true, skips elsewhere.
 */
class KubectlPodIoTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final String NS = "default";
  private static final String IMAGE = "kvx/busybox:latest";

  private static Path dir;
  private static DockerClient docker;
  private static Vertx vertx;
  private static KubeletAgent agent;
  private static KubernetesClient client;
  private static String node;

  @BeforeAll
  static void startNode() throws Exception {
    docker = requireDocker();
    dir = Files.createTempDirectory("kvx-pod-io-");
    node = "pod-io-" + UUID.randomUUID().toString().substring(0, 8);
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
    // Every pod up front, so their containers start side by side while the first test waits.
    for (KubectlBinary binary : KubectlBinary.tested()) {
      // line 2 only once the test says so (touch /go), after `logs -f` is attached.
      createPod(
          "counter-" + binary.slug(),
          "Never",
          "echo line 1; until [ -e /go ]; do sleep 0.2; done; echo line 2; echo line 3");
      createPod("shell-" + binary.slug(), "Always", "echo started; exec sleep 3600");
    }
    createPod("fabric8-exec", "Always", "exec sleep 3600");
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
  void logsAndFollowedLogs(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String pod = "counter-" + binary.slug();
    awaitRunning(pod);

    Kubectl.Result followed;
    try (Kubectl.Background follow = kubectl.start("logs", "-f", pod, "-n", NS)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> follow.stdout().equals("line 1\n"));
      // Only now does the container write more: what follows must arrive through the stream.
      Kubectl.Result go = kubectl.run("exec", pod, "-n", NS, "--", "touch", "/go");
      assertThat(go.exitCode()).as(go.toString()).isZero();
      followed = follow.await(Duration.ofSeconds(60));
    }
    assertThat(followed.exitCode()).as(followed.toString()).isZero();
    assertThat(followed.stdout()).isEqualTo("line 1\nline 2\nline 3\n");

    Kubectl.Result logs = kubectl.run("logs", pod, "-n", NS, "--tail=1");
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.stdout()).isEqualTo("line 3\n");
  }

  @EachKubectl
  void execPropagatesOutputStdinAndExitCode(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String pod = "shell-" + binary.slug();
    awaitRunning(pod);

    Kubectl.Result logs = kubectl.run("logs", pod, "-n", NS);
    assertThat(logs.exitCode()).as(logs.toString()).isZero();
    assertThat(logs.stdout()).isEqualTo("started\n");

    Kubectl.Result hostname = kubectl.run("exec", pod, "-n", NS, "--", "cat", "/etc/hostname");
    assertThat(hostname.exitCode()).as(hostname.toString()).isZero();
    assertThat(hostname.stdout()).isEqualTo(pod + "\n");

    Kubectl.Result echoed =
        kubectl.runWithInput(
            "hello from stdin\nsecond line\n",
            "exec",
            "-i",
            pod,
            "-n",
            NS,
            "--",
            "sh",
            "-c",
            "cat; echo done >&2");
    assertThat(echoed.exitCode()).as(echoed.toString()).isZero();
    assertThat(echoed.stdout()).isEqualTo("hello from stdin\nsecond line\n");
    assertThat(echoed.stderr()).contains("done");

    Kubectl.Result failed = kubectl.run("exec", pod, "-n", NS, "--", "sh", "-c", "exit 3");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
  }

  /** kubectl cp is tar through exec: a directory with a subdirectory into the pod, and back. */
  @EachKubectl
  void cpCopiesADirectoryIntoThePodAndBack(KubectlBinary binary) throws Exception {
    Kubectl kubectl = server.kubectl(binary);
    String pod = "shell-" + binary.slug();
    awaitRunning(pod);
    Path local = Files.createTempDirectory(dir, "cp-");
    Files.createDirectories(local.resolve("src/sub"));
    Files.writeString(local.resolve("src/a.txt"), "alpha\n");
    Files.writeString(local.resolve("src/sub/b.txt"), "beta\n");

    String remote = NS + "/" + pod + ":/tmp/copied";
    Kubectl.Result in = kubectl.run("cp", local.resolve("src").toString(), remote);
    assertThat(in.exitCode()).as(in.toString()).isZero();
    Kubectl.Result there =
        kubectl.run(
            "exec", pod, "-n", NS, "--", "cat", "/tmp/copied/a.txt", "/tmp/copied/sub/b.txt");
    assertThat(there.stdout()).as(there.toString()).isEqualTo("alpha\nbeta\n");

    Kubectl.Result out = kubectl.run("cp", remote, local.resolve("back").toString());
    assertThat(out.exitCode()).as(out.toString()).isZero();
    assertThat(Files.readString(local.resolve("back/a.txt"))).isEqualTo("alpha\n");
    assertThat(Files.readString(local.resolve("back/sub/b.txt"))).isEqualTo("beta\n");
  }

  @Test
  void fabric8ExecOverWebSocket() throws Exception {
    String pod = "fabric8-exec";
    awaitRunning(pod);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(NS)
            .withName(pod)
            .writingOutput(out)
            .writingError(err)
            .exec("sh", "-c", "cat /etc/hostname; echo oops >&2; exit 5")) {
      assertThat(watch.exitCode().get(60, TimeUnit.SECONDS)).isEqualTo(5);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(pod + "\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
  }

  private static void createPod(String name, String restartPolicy, String script) {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withRestartPolicy(restartPolicy)
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("main")
                .withImage(IMAGE)
                .withImagePullPolicy("Never")
                .withCommand("sh", "-c", script)
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  private static void awaitRunning(String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Pod pod = client.pods().inNamespace(NS).withName(name).get();
              List<ContainerStatus> statuses =
                  pod == null || pod.getStatus() == null
                      ? List.of()
                      : pod.getStatus().getContainerStatuses();
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
