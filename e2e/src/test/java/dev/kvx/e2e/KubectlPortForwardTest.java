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
import io.fabric8.kubernetes.client.LocalPortForward;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl port-forward} against an in-JVM API server and an in-JVM kubelet-agent running a
 * busybox httpd on the host's Docker engine: kubectl 1.27 (SPDY/3.1, which the API server
 * terminates), 1.32 and 1.33 (SPDY tunneled in a WebSocket, KEP-4006), plus fabric8's {@code
 * portForward} (WebSocket v4, relayed). Several HTTP connections, sequential and concurrent, each a
 * forwarded connection; a port nothing listens on gives kubectl upstream's error while other
 * forwards keep working; a missing pod gives kubectl's NotFound. Needs Docker and the local busybox
 * image: fails without them when CI=true, skips elsewhere.
 */
class KubectlPortForwardTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final String NS = "default";
  private static final String IMAGE = "kvx/busybox:latest";
  private static final String POD = "web";
  private static final String BODY = "hello through port-forward";
  private static final Pattern FORWARDING =
      Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> (\\d+)");

  private static Path dir;
  private static DockerClient docker;
  private static Vertx vertx;
  private static KubeletAgent agent;
  private static KubernetesClient client;
  private static String node;

  static Stream<KubectlBinary> kubectls() {
    return Stream.of("1.27", "1.32", "1.33").map(KubectlBinary::of);
  }

  @BeforeAll
  static void startNode() throws Exception {
    docker = requireDocker();
    dir = Files.createTempDirectory("kvx-port-forward-");
    node = "port-forward-" + UUID.randomUUID().toString().substring(0, 8);
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
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(POD)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName("httpd")
                .withImage(IMAGE)
                .withImagePullPolicy("Never")
                .withCommand(
                    "sh",
                    "-c",
                    "mkdir -p /www && echo '"
                        + BODY
                        + "' > /www/index.html && exec httpd -f -p 8080 -h /www")
                .endContainer()
                .endSpec()
                .build())
        .create();
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

  @ParameterizedTest(name = "kubectl {0}")
  @MethodSource("kubectls")
  void forwardsSequentialAndConcurrentConnections(KubectlBinary binary) throws Exception {
    Kubectl kubectl = server.kubectl(binary);
    awaitServing();
    try (Kubectl.Background forward = startForward(kubectl, 8080)) {
      int local = localPort(forward, 8080);
      for (int i = 0; i < 3; i++) {
        assertThat(fetch(local)).as("request %d", i).contains("200 OK").endsWith(BODY + "\n");
      }
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> fetch(local));
      CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> fetch(local));
      assertThat(first.get()).endsWith(BODY + "\n");
      assertThat(second.get()).endsWith(BODY + "\n");
      assertThat(forward.alive()).as(forward.toString()).isTrue();
      assertThat(forward.stdout()).contains("Handling connection for " + local);
    }
  }

  @ParameterizedTest(name = "kubectl {0}")
  @MethodSource("kubectls")
  void aPortNothingListensOnGivesUpstreamsErrorAndOtherForwardsKeepWorking(KubectlBinary binary)
      throws Exception {
    Kubectl kubectl = server.kubectl(binary);
    awaitServing();
    try (Kubectl.Background good = startForward(kubectl, 8080);
        Kubectl.Background dead = startForward(kubectl, 9999)) {
      int goodPort = localPort(good, 8080);
      int deadPort = localPort(dead, 9999);
      assertThat(fetch(goodPort)).endsWith(BODY + "\n");

      // The connection is accepted locally, then ends without a byte from the pod.
      assertThat(fetch(deadPort)).isEmpty();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(dead.stderr())
                      .contains("error forwarding port 9999 to pod ")
                      .contains("connect: connection refused"));

      for (int i = 0; i < 2; i++) {
        assertThat(fetch(goodPort)).as("after the error, request %d", i).endsWith(BODY + "\n");
      }
      assertThat(good.alive()).as(good.toString()).isTrue();
    }
  }

  @ParameterizedTest(name = "kubectl {0}")
  @MethodSource("kubectls")
  void aMissingPodIsNotFound(KubectlBinary binary) {
    Kubectl.Result r =
        server
            .kubectl(binary)
            .run("port-forward", "pod/missing", ":8080", "--address", "127.0.0.1", "-n", NS);
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.stderr()).contains("pods \"missing\" not found");
  }

  @Test
  void fabric8PortForward() throws Exception {
    awaitServing();
    try (LocalPortForward forward = client.pods().inNamespace(NS).withName(POD).portForward(8080)) {
      for (int i = 0; i < 2; i++) {
        assertThat(fetch(forward.getLocalPort())).endsWith(BODY + "\n");
      }
      assertThat(forward.errorOccurred()).isFalse();
    }
  }

  private static Kubectl.Background startForward(Kubectl kubectl, int remote) {
    return kubectl.start(
        "port-forward", "pod/" + POD, ":" + remote, "--address", "127.0.0.1", "-n", NS);
  }

  /** The local port kubectl chose, from its "Forwarding from 127.0.0.1:N -> remote" line. */
  private static int localPort(Kubectl.Background forward, int remote) {
    int[] port = new int[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .failFast("kubectl exited: " + forward, () -> !forward.alive())
        .until(
            () -> {
              Matcher m = FORWARDING.matcher(forward.stdout());
              while (m.find()) {
                if (Integer.parseInt(m.group(2)) == remote) {
                  port[0] = Integer.parseInt(m.group(1));
                  return true;
                }
              }
              return false;
            });
    return port[0];
  }

  /** One HTTP/1.0 request on a fresh connection; the whole response (the server closes). */
  private static String fetch(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pod's container runs (its httpd starts listening at once). */
  private static void awaitServing() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Pod pod = client.pods().inNamespace(NS).withName(POD).get();
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
