package dev.kvx.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.simulated.PodIpRange;
import dev.kvx.kubelet.runtime.simulated.SimulatedRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kubelet's WebSocket port-forward protocol against a local TCP server standing in for the pod:
 * port announcements, data both ways, connection errors on the error channel, refusals.
 */
class PortForwardTest {
  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withNamespace("ns")
          .withName("web")
          .withUid("uid-1")
          .endMetadata()
          .build();

  private Vertx vertx;
  private HttpServer kubelet;
  private NetServer pod;
  private WebSocketClient client;
  private volatile ContainerRuntime runtime;
  private volatile PodAddresses addresses = located -> new PodAddresses.Target("127.0.0.1", "sb1");

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    // The pod: echoes what it gets prefixed by "echo:", closes on "quit".
    pod =
        vertx
            .createNetServer()
            .connectHandler(
                s ->
                    s.handler(
                        b -> {
                          if (b.toString().contains("quit")) {
                            s.close();
                          } else {
                            s.write(Buffer.buffer("echo:").appendBuffer(b));
                          }
                        }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    Router router = Router.router(vertx);
    KubeletRoutes.PodLocator locator =
        (ns, name) ->
            "ns".equals(ns) && "web".equals(name) ? new KubeletRoutes.Located(POD, runtime) : null;
    PortForward portForward = new PortForward(vertx, locator, l -> addresses.resolve(l));
    router.route("/portForward/:namespace/:pod").handler(portForward::handle);
    router.route("/portForward/:namespace/:pod/:uid").handler(portForward::handle);
    kubelet =
        vertx
            .createHttpServer(
                new HttpServerOptions().setWebSocketSubProtocols(List.of("v4.channel.k8s.io")))
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void announcesPortsThenRelaysBothWaysAndClosesWhenThePodDoes() throws Exception {
    Session s = open("/portForward/ns/web?ports=" + pod.actualPort());
    assertThat(s.ws.subProtocol()).isEqualTo("v4.channel.k8s.io");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.messages.size() >= 2);
    assertThat(s.messages.get(0)).isEqualTo(portMessage(0, pod.actualPort()));
    assertThat(s.messages.get(1)).isEqualTo(portMessage(1, pod.actualPort()));

    s.send(0, "hello");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.text(0).equals("echo:hello"));
    s.send(0, "quit");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.ws.isClosed());
    assertThat(s.ws.closeStatusCode()).isEqualTo((short) 1000);
    assertThat(s.text(1)).isEmpty();
  }

  @Test
  void aRefusedConnectionIsReportedOnItsErrorChannelWhileOtherPortsWork() throws Exception {
    int refused = freePort();
    Session s = open("/portForward/ns/web/uid-1?ports=" + refused + "&ports=" + pod.actualPort());
    await().atMost(Duration.ofSeconds(10)).until(() -> !s.text(1).isEmpty());
    assertThat(s.text(1))
        .isEqualTo(
            "error forwarding port "
                + refused
                + " to pod sb1, uid : failed to connect to 127.0.0.1:"
                + refused
                + " (the pod's IP): dial tcp 127.0.0.1:"
                + refused
                + ": connect: connection refused");
    s.send(2, "still here");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.text(2).equals("echo:still here"));
    assertThat(s.ws.isClosed()).isFalse();
    s.send(2, "quit");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.ws.isClosed());
  }

  @Test
  void aPodWithoutAddressGetsTheReasonOnEveryErrorChannel() throws Exception {
    runtime =
        new SimulatedRuntime(
            "n1", new PodIpRange("10.244.1.0/24"), Clock.system(), Duration.ZERO, Duration.ZERO);
    addresses = PodAddresses.fromRuntime();

    Session s = open("/portForward/ns/web?ports=80");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.ws.isClosed());
    assertThat(s.text(1))
        .isEqualTo(
            "error forwarding port 80 to pod ns/web, uid uid-1: the node's runtime (kvx-simulated)"
                + " runs no containers: there is nothing to connect to");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/portForward/ns/web | 400 | query parameter \"ports\" is required",
        "/portForward/ns/web?ports=x | 400 | unable to parse \"x\" as a port: invalid syntax",
        "/portForward/ns/web?ports=0 | 400 | port \"0\" must be > 0",
        "/portForward/ns/other?ports=80 | 404 | pod \"other\" not found in namespace \"ns\"",
        "/portForward/ns/web/uid-2?ports=80 | 404 | pod \"web\" not found in namespace \"ns\"",
      })
  void refusesBeforeUpgrading(String uri, int status, String body) {
    assertThatThrownBy(() -> open(uri))
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class,
            e -> {
              assertThat(e.getStatus()).isEqualTo(status);
              assertThat(e.getBody().toString()).isEqualTo(body);
            });
  }

  @Test
  void parsesRepeatedAndCommaSeparatedPorts() {
    assertThat(PortForward.parsePorts(List.of("80,8080", "9090"))).containsExactly(80, 8080, 9090);
    assertThatThrownBy(() -> PortForward.parsePorts(List.of("70000")))
        .hasMessage("unable to parse \"70000\" as a port: value out of range");
    assertThatThrownBy(() -> PortForward.parsePorts(List.of("")))
        .hasMessage("query parameter \"ports\" cannot be empty");
  }

  private Session open(String uri) throws Exception {
    Session s = new Session();
    // The handler is set on the event loop as the socket opens, so no message is missed.
    s.ws =
        client
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(kubelet.actualPort())
                    .setURI(uri)
                    .setSubProtocols(List.of("v4.channel.k8s.io")))
            .onSuccess(ws -> ws.binaryMessageHandler(s.messages::add))
            .await(10, TimeUnit.SECONDS);
    return s;
  }

  private static Buffer portMessage(int channel, int port) {
    return Buffer.buffer(new byte[] {(byte) channel, (byte) (port & 0xff), (byte) (port >> 8)});
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static final class Session {
    volatile WebSocket ws;
    final List<Buffer> messages = new CopyOnWriteArrayList<>();

    void send(int channel, String text) {
      byte[] data = text.getBytes(StandardCharsets.UTF_8);
      ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) channel).appendBytes(data));
    }

    /** What arrived on {@code channel}, without the port announcement. */
    String text(int channel) {
      StringBuilder sb = new StringBuilder();
      boolean first = true;
      for (Buffer m : messages) {
        if (m.length() > 0 && m.getByte(0) == channel) {
          if (first) {
            first = false;
            continue;
          }
          sb.append(m.getString(1, m.length()));
        }
      }
      return sb.toString();
    }
  }
}
