package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
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

  @RegisterExtension
  @Order(1)
  static final InJvmApiServer server = new InJvmApiServer();

  @RegisterExtension
  @Order(2)
  static final DockerNode node = new DockerNode(server, "port-forward");

  private static final String NS = DockerNode.NAMESPACE;
  private static final String POD = "web";
  private static final String BODY = "hello through port-forward";
  private static final Pattern FORWARDING =
      Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> (\\d+)");

  static Stream<KubectlBinary> kubectls() {
    return Stream.of("1.27", "1.32", "1.33").map(KubectlBinary::of);
  }

  @BeforeAll
  static void createPod() {
    node.createPod(
        POD,
        "httpd",
        "mkdir -p /www && echo '" + BODY + "' > /www/index.html && exec httpd -f -p 8080 -h /www");
  }

  @ParameterizedTest(name = "kubectl {0}")
  @MethodSource("kubectls")
  void forwardsSequentialAndConcurrentConnections(KubectlBinary binary) throws Exception {
    Kubectl kubectl = server.kubectl(binary);
    node.awaitRunning(POD);
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
    node.awaitRunning(POD);
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
    node.awaitRunning(POD);
    try (LocalPortForward forward =
        node.client().pods().inNamespace(NS).withName(POD).portForward(8080)) {
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
}
