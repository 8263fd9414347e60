package dev.kvx.kubelet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvx.kubelet.runtime.AttachConfig;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.ExecIo;
import dev.kvx.kubelet.runtime.ExecSession;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeOperationException;
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
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kubelet's attach over WebSocket against a runtime whose "main process" upper-cases its stdin:
 * channels both ways, the TTY taken from the container's spec, the final Status, and the refusals
 * before the upgrade.
 */
class AttachTest {
  private static final String V5 = "v5.channel.k8s.io";
  private static final String V4 = "v4.channel.k8s.io";

  private Vertx vertx;
  private HttpServer kubelet;
  private WebSocketClient client;
  private volatile Pod pod = pod(false);
  private volatile ContainerState state = ContainerState.RUNNING;
  private volatile RuntimeException attachFails;
  private final List<AttachConfig> attached = new CopyOnWriteArrayList<>();
  private final CountDownLatch detached = new CountDownLatch(1);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    KubeletRoutes.PodLocator locator =
        (ns, name) ->
            "ns".equals(ns) && "web".equals(name)
                ? new KubeletRoutes.Located(pod, runtime())
                : null;
    Attach attach = new Attach(vertx, locator);
    router.route("/attach/:namespace/:pod/:container").handler(attach::handle);
    router.route("/attach/:namespace/:pod/:uid/:container").handler(attach::handle);
    kubelet =
        vertx
            .createHttpServer(new HttpServerOptions().setWebSocketSubProtocols(List.of(V5, V4)))
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
  void relaysStdinAndOutputAndEndsWithSuccessWhenTheStreamEnds() throws Exception {
    Session s = open("/attach/ns/web/c?stdin=1&stdout=1&stderr=1", V5);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.text(2).equals("attached\n"));
    s.send(0, "hello ");
    s.send(0, "world\n");
    s.ws.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 255, 0})); // v5: stdin ends

    await().atMost(Duration.ofSeconds(10)).until(() -> s.ws.isClosed());
    assertThat(s.messages.get(0)).isEqualTo(Buffer.buffer(new byte[] {1}));
    assertThat(s.text(1)).isEqualTo("HELLO WORLD\n");
    assertThat(s.text(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    assertThat(s.ws.closeStatusCode()).isEqualTo((short) 1000);
    assertThat(attached).containsExactly(new AttachConfig(true, true, true, false));
  }

  @Test
  void theTerminalFollowsTheContainerSpecAndClosingTheSocketDetaches() throws Exception {
    pod = pod(true);
    Session s = open("/attach/ns/web/uid-1/c?stdout=true&stderr=true", V4);
    await().atMost(Duration.ofSeconds(10)).until(() -> !attached.isEmpty());
    // A TTY merges stderr into stdout, whatever the query asked.
    assertThat(attached).containsExactly(new AttachConfig(false, true, false, true));
    s.ws.close().await(10, TimeUnit.SECONDS);
    assertThat(detached.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRuntimeFailureIsAnInternalErrorStatus() throws Exception {
    attachFails = new RuntimeOperationException("container is in CONTAINER_EXITED state", null);
    Session s = open("/attach/ns/web/c?stdout=1", V4);
    await().atMost(Duration.ofSeconds(10)).until(() -> s.ws.isClosed());
    assertThat(s.text(3))
        .isEqualTo(
            "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error occurred: error"
                + " attaching to container: container is in CONTAINER_EXITED state\","
                + "\"reason\":\"InternalError\",\"code\":500}");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/attach/ns/web/c | 400 | you must specify at least 1 of stdin, stdout, stderr",
        "/attach/ns/other/c?stdout=1 | 404 | pod \"other\" not found in namespace \"ns\"",
        "/attach/ns/web/uid-2/c?stdout=1 | 404 | pod \"web\" not found in namespace \"ns\"",
        "/attach/ns/web/nope?stdout=1 | 500 | container nope not found in pod web_ns",
      })
  void refusesBeforeUpgrading(String uri, int status, String body) {
    assertThatThrownBy(() -> open(uri, V5))
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class,
            e -> {
              assertThat(e.getStatus()).isEqualTo(status);
              assertThat(e.getBody().toString()).isEqualTo(body);
            });
  }

  @Test
  void aContainerThatDoesNotRunIsRefusedAsUpstreamsKubelet() {
    state = ContainerState.EXITED;
    assertThatThrownBy(() -> open("/attach/ns/web/c?stdout=1", V5))
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class,
            e -> {
              assertThat(e.getStatus()).isEqualTo(500);
              assertThat(e.getBody().toString()).isEqualTo("container c not found in pod web_ns");
            });
    assertThat(attached).isEmpty();
  }

  private static Pod pod(boolean tty) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName("web")
        .withUid("uid-1")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withTty(tty)
        .endContainer()
        .endSpec()
        .build();
  }

  /**
   * Only what attach uses: the listing (one instance of {@code c} in {@link #state}) and attach,
   * whose session upper-cases stdin to stdout until end of file, or waits for a detach.
   */
  private ContainerRuntime runtime() {
    return (ContainerRuntime)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ContainerRuntime.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "listContainers" ->
                      "c"
                              .equals(
                                  ((java.util.Map<?, ?>) args[0])
                                      .get(dev.kvx.kubelet.runtime.RuntimeLabels.CONTAINER_NAME))
                          ? List.of(instance())
                          : List.of();
                  case "attach" -> attach((AttachConfig) args[1], (ExecIo) args[2]);
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private RuntimeContainer instance() {
    return new RuntimeContainer(
        "cid",
        "sb",
        new PodRef("uid-1", "ns", "web"),
        "c",
        0,
        state,
        null,
        null,
        null,
        null,
        null,
        null,
        "img",
        null,
        null);
  }

  private ExecSession attach(AttachConfig config, ExecIo io) {
    attached.add(config);
    if (attachFails != null) {
      throw attachFails;
    }
    return new ExecSession() {
      @Override
      public Integer awaitExit(Duration timeout) throws InterruptedException {
        InputStream stdin = io.stdin();
        if (stdin == null) {
          detached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
          return 0;
        }
        io.stderr("attached\n".getBytes(StandardCharsets.UTF_8));
        try {
          byte[] chunk = new byte[64];
          for (int n; (n = stdin.read(chunk)) > 0; ) {
            io.stdout(
                new String(chunk, 0, n, StandardCharsets.UTF_8)
                    .toUpperCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        return 0;
      }

      @Override
      public void resize(int width, int height) {}

      @Override
      public void close() {
        detached.countDown();
      }
    };
  }

  private Session open(String uri, String protocol) throws Exception {
    Session s = new Session();
    s.ws =
        client
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(kubelet.actualPort())
                    .setURI(uri)
                    .setSubProtocols(List.of(protocol)))
            .onSuccess(ws -> ws.binaryMessageHandler(s.messages::add))
            .await(10, TimeUnit.SECONDS);
    return s;
  }

  private static final class Session {
    volatile WebSocket ws;
    final List<Buffer> messages = new CopyOnWriteArrayList<>();

    void send(int channel, String text) {
      byte[] data = text.getBytes(StandardCharsets.UTF_8);
      ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) channel).appendBytes(data));
    }

    String text(int channel) {
      StringBuilder sb = new StringBuilder();
      for (Buffer m : messages) {
        if (m.length() > 0 && m.getByte(0) == channel) {
          sb.append(m.getString(1, m.length()));
        }
      }
      return sb.toString();
    }
  }
}
