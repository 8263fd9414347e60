package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl logs}, {@code logs -f}, {@code exec} (with stdin and with an exit code) and {@code
 * cp} against an in-JVM API server and an in-JVM kubelet-agent running the pods on the host's
 * Docker engine, with kubectl 1.27 (exec over SPDY/3.1, which the API server terminates) and 1.32
 * (exec over WebSocket v5, relayed), plus one fabric8 exec (WebSocket v4). Needs Docker and the
 * local busybox image: fails without them when CI=true, skips elsewhere.
 */
class KubectlPodIoTest {

  @RegisterExtension
  @Order(1)
  static final InJvmApiServer server = new InJvmApiServer();

  @RegisterExtension
  @Order(2)
  static final DockerNode node = new DockerNode(server, "pod-io");

  private static final String NS = DockerNode.NAMESPACE;

  @BeforeAll
  static void createPods() {
    // Every pod up front, so their containers start side by side while the first test waits.
    for (KubectlBinary binary : KubectlBinary.tested()) {
      // line 2 only once the test says so (touch /go), after `logs -f` is attached.
      node.createPod(
          "counter-" + binary.slug(),
          "main",
          "Never",
          "echo line 1; until [ -e /go ]; do sleep 0.2; done; echo line 2; echo line 3");
      node.createPod("shell-" + binary.slug(), "main", "Always", "echo started; exec sleep 3600");
    }
    node.createPod("fabric8-exec", "main", "Always", "exec sleep 3600");
  }

  @EachKubectl
  void logsAndFollowedLogs(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String pod = "counter-" + binary.slug();
    node.awaitRunning(pod);

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
    node.awaitRunning(pod);

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
    node.awaitRunning(pod);
    Path local = Files.createTempDirectory(node.dir(), "cp-");
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
    node.awaitRunning(pod);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        node.client()
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
}
