package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
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

  @RegisterExtension
  @Order(1)
  static final InJvmApiServer server = new InJvmApiServer();

  @RegisterExtension
  @Order(2)
  static final DockerNode node = new DockerNode(server, "attach");

  private static final String NS = DockerNode.NAMESPACE;
  private static final String IMAGE = DockerNode.IMAGE;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  @BeforeAll
  static void createTickers() {
    // The pods kubectl attach joins, up front so they start while the first test runs.
    for (KubectlBinary binary : KubectlBinary.tested()) {
      node.createPod(
          ticker(binary), "c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done");
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
    node.awaitRunning(pod);
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
                "--overrides={\"spec\":{\"nodeName\":\"" + node.name() + "\"}}",
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
        .until(() -> node.client().pods().inNamespace(NS).withName(pod).get() == null);
  }
}
