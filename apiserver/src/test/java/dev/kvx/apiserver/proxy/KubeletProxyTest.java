package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.auth.CertAndKey;
import dev.kvx.apiserver.auth.Pki;
import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pods/log, pods/exec and pods/attach through a real in-JVM API server to a fake kubelet: an HTTPS
 * server that, like the kubelet-agent, demands a client certificate from the cluster CA, streams
 * logs and speaks the channel WebSocket protocol. Clients: a Vert.x HTTP client, a WebSocket client
 * (v5, as kubectl 1.30+) and a raw SPDY/3.1 client built on Netty's codec (as kubectl 1.27–1.29
 * speak it).
 */
class KubeletProxyTest {

  static final String NS = "default";
  static final String STATUS_EXIT_7 =
      "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
          + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"7\"}]}}";

  @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();
  static Vertx vertx;
  static ApiServer server;
  static KubernetesClient client;
  static HttpServer kubelet;
  static HttpClient http;
  static CertAndKey admin;
  static final List<String> kubeletRequests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = api.vertx();
    server = api.server();
    client = api.client();
    Pki pki = Pki.loadOrCreate(server.options().dataDir(), List.of());
    admin = pki.admin();
    kubelet = startFakeKubelet(pki);
    http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setKeyCertOptions(identity(admin)));

    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().build())
        .create();
    client
        .nodes()
        .withName("n1")
        .editStatus(
            n ->
                new NodeBuilder(n)
                    .editOrNewStatus()
                    .addNewAddress()
                    .withType("Hostname")
                    .withAddress("n1")
                    .endAddress()
                    .addNewAddress()
                    .withType("InternalIP")
                    .withAddress("127.0.0.1")
                    .endAddress()
                    .withNewDaemonEndpoints()
                    .withNewKubeletEndpoint()
                    .withPort(kubelet.actualPort())
                    .endKubeletEndpoint()
                    .endDaemonEndpoints()
                    .endStatus()
                    .build());
    createPod("web", "n1", "main");
    createPod("multi", "n1", "a", "b");
    createPod("unbound", null, "main");
    createPod("waiting", "n1", "main");
  }

  @Test
  void logsStreamFromTheKubeletWithTheApiServersClientCertificate() {
    Reply reply = get("/api/v1/namespaces/default/pods/web/log?tailLines=5&timestamps=true");
    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.contentType()).isEqualTo("text/plain");
    assertThat(reply.body())
        .isEqualTo(
            "GET /containerLogs/default/web/main?timestamps=true&tailLines=5\n"
                + "client CN=kube-apiserver-kubelet-client,O=system:masters\n");
  }

  @Test
  void aFollowedLogArrivesChunkByChunkUntilTheKubeletEndsIt() {
    Reply reply = get("/api/v1/namespaces/default/pods/web/log?follow=true&container=main");
    assertThat(reply.code()).isEqualTo(200);
    assertThat(reply.body()).endsWith("line 1\nline 2\n");
    assertThat(reply.chunks()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aClientHangingUpOnAFollowedLogClosesTheKubeletStream() throws Exception {
    createPod("endless", "n1", "main");
    var firstChunk = new java.util.concurrent.CompletableFuture<String>();
    http.request(
            new RequestOptions()
                .setHost("127.0.0.1")
                .setPort(server.port())
                .setURI("/api/v1/namespaces/default/pods/endless/log?follow=true"))
        .compose(r -> r.send())
        .onSuccess(
            r ->
                r.handler(
                    chunk -> {
                      firstChunk.complete(chunk.toString(StandardCharsets.UTF_8));
                      r.request().connection().close();
                    }));
    assertThat(firstChunk.get(30, TimeUnit.SECONDS)).startsWith("tick");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> kubeletRequests.contains("endless log closed"));
  }

  @Test
  void logErrorsAreUpstreamsStatuses() {
    assertStatus(
        get("/api/v1/namespaces/default/pods/multi/log"),
        400,
        "BadRequest",
        "a container name must be specified for pod multi, choose one of: [a b]");
    assertStatus(
        get("/api/v1/namespaces/default/pods/web/log?container=nope"),
        400,
        "BadRequest",
        "container nope is not valid for pod web");
    assertStatus(
        get("/api/v1/namespaces/default/pods/gone/log"),
        404,
        "NotFound",
        "pods \"gone\" not found");
    assertStatus(
        get("/api/v1/namespaces/default/pods/web/log?tailLines=-2"),
        422,
        "Invalid",
        "PodLogOptions \"web\" is invalid: tailLines: Invalid value: -2: must be greater than or"
            + " equal to 0");
    // The kubelet's own 400 keeps its message.
    assertStatus(
        get("/api/v1/namespaces/default/pods/waiting/log"),
        400,
        "BadRequest",
        "container \"main\" in pod \"waiting\" is waiting to start: ContainerCreating");
    // No node yet: nothing to read, as upstream's empty location.
    assertThat(get("/api/v1/namespaces/default/pods/unbound/log").code()).isEqualTo(204);
  }

  @Test
  void execWithoutAnUpgradeOrANodeIsRefused() {
    assertStatus(
        get("/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true"),
        400,
        "BadRequest",
        "Upgrade request required");
    assertStatus(
        get("/api/v1/namespaces/default/pods/unbound/exec?command=ls&stdout=true"),
        400,
        "BadRequest",
        "pod unbound does not have a host assigned");
  }

  @Test
  void portForwardToAPodWithoutANodeOrAMissingPodIsRefused() {
    assertStatus(
        get("/api/v1/namespaces/default/pods/unbound/portforward?ports=80"),
        400,
        "BadRequest",
        "pod unbound does not have a host assigned");
    assertStatus(
        get("/api/v1/namespaces/default/pods/missing/portforward?ports=80"),
        404,
        "NotFound",
        "pods \"missing\" not found");
  }

  @Test
  void execOverWebSocketIsRelayedWithTheClientsSubProtocol() throws Exception {
    WebSocketClient wsClient =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setKeyCertOptions(identity(admin)));
    List<String> received = new CopyOnWriteArrayList<>();
    WebSocket ws =
        wsClient
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(server.port())
                    .setSsl(true)
                    .setURI(
                        "/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true"
                            + "&stdout=true&stderr=true")
                    .setSubProtocols(List.of("v5.channel.k8s.io")))
            // On the socket's event loop, before any message can arrive unhandled.
            .onSuccess(w -> w.binaryMessageHandler(m -> received.add(describe(m))))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(ws.subProtocol()).isEqualTo("v5.channel.k8s.io");

    ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 0).appendString("hello"));
    ws.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 0xff, 0}));

    await().atMost(Duration.ofSeconds(30)).until(ws::isClosed);
    assertThat(received).containsExactly("1:", "1:hello", "2:stdin closed", "3:" + STATUS_EXIT_7);
    assertThat(kubeletRequests)
        .contains(
            "WS /exec/default/web/main?stdin=1&stdout=1&stderr=1&command=cat v5.channel.k8s.io");
  }

  @Test
  void aKubeletRefusalReachesTheClientAsTheKubeletAnswered() {
    Reply reply =
        send(
            HttpMethod.GET,
            "/api/v1/namespaces/default/pods/web/attach?stdout=true",
            List.of(
                "Connection",
                "Upgrade",
                "Upgrade",
                "websocket",
                "Sec-WebSocket-Version",
                "13",
                "Sec-WebSocket-Key",
                "dGhlIHNhbXBsZSBub25jZQ=="));
    assertThat(reply.code()).isEqualTo(404);
    assertThat(reply.body()).isEqualTo("attach is not served here");
  }

  @Test
  void spdyWithoutACommonProtocolIs403() {
    Reply reply =
        send(
            HttpMethod.POST,
            "/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true",
            List.of(
                "Connection",
                "Upgrade",
                "Upgrade",
                "SPDY/3.1",
                "X-Stream-Protocol-Version",
                "v3.channel.k8s.io",
                "Content-Length",
                "0"));
    assertThat(reply.code()).isEqualTo(403);
    assertThat(reply.body())
        .startsWith(
            "unable to upgrade: unable to negotiate protocol: client supports"
                + " [v3.channel.k8s.io], server accepts [v4.channel.k8s.io]");
  }

  @Test
  void execOverSpdyIsTranslatedToTheKubeletsChannels() throws Exception {
    SpdyClient spdy =
        SpdyClient.connect(
            "/api/v1/namespaces/default/pods/web/exec?command=cat&stdin=true&stdout=true&stderr=true");
    assertThat(spdy.responseHead)
        .startsWith("HTTP/1.1 101")
        .containsIgnoringCase("Upgrade: SPDY/3.1")
        .containsIgnoringCase("X-Stream-Protocol-Version: v4.channel.k8s.io");

    spdy.open(1, "error");
    spdy.open(3, "stdin");
    spdy.open(5, "stdout");
    spdy.open(7, "stderr");
    await().atMost(Duration.ofSeconds(30)).until(() -> spdy.replies().size() == 4);
    spdy.data(3, "hello", false);
    spdy.data(3, "", true);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> spdy.finished().containsAll(List.of(1, 5, 7)));
    assertThat(spdy.text(5)).isEqualTo("hello");
    assertThat(spdy.text(7)).isEqualTo("stdin closed");
    assertThat(spdy.text(1)).isEqualTo(STATUS_EXIT_7);
    spdy.close();
  }

  // ---- the fake kubelet ----

  static HttpServer startFakeKubelet(Pki pki) {
    CertAndKey serving = pki.serving();
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setSsl(true)
                .setKeyCertOptions(identity(serving))
                .setTrustOptions(
                    new PemTrustOptions().addCertValue(Buffer.buffer(pki.caCertificatePem())))
                .setClientAuth(ClientAuth.REQUIRED)
                .setWebSocketSubProtocols(List.of("v5.channel.k8s.io", "v4.channel.k8s.io")))
        .requestHandler(
            request -> {
              String path = request.path();
              if (path.startsWith("/exec/")) {
                request
                    .toWebSocket()
                    .onSuccess(
                        ws -> {
                          kubeletRequests.add("WS " + request.uri() + " " + ws.subProtocol());
                          exec(ws);
                        });
              } else if (path.equals("/containerLogs/default/waiting/main")) {
                request
                    .response()
                    .setStatusCode(400)
                    .end(
                        "container \"main\" in pod \"waiting\" is waiting to start:"
                            + " ContainerCreating");
              } else if (path.equals("/containerLogs/default/endless/main")) {
                endlessLog(request);
              } else if (path.startsWith("/containerLogs/")) {
                containerLogs(request);
              } else {
                request
                    .response()
                    .setStatusCode(404)
                    .end(path.startsWith("/attach/") ? "attach is not served here" : "not found");
              }
            })
        .listen()
        .await();
  }

  /** Echoes the request and the client's certificate; a follow gets two lines a moment apart. */
  static void containerLogs(io.vertx.core.http.HttpServerRequest request) {
    String cn;
    try {
      cn =
          ((X509Certificate) request.connection().peerCertificates().get(0))
              .getSubjectX500Principal()
              .getName();
    } catch (Exception e) {
      cn = "none";
    }
    var response = request.response().setChunked(true).putHeader("Content-Type", "text/plain");
    response.write("GET " + request.uri() + "\n");
    response.write("client " + cn + "\n");
    if ("true".equals(request.getParam("follow"))) {
      response.write("line 1\n");
      vertx.setTimer(300, id -> response.end("line 2\n"));
    } else {
      response.end();
    }
  }

  /** A followed log that never ends; says when the API server hangs up. */
  static void endlessLog(io.vertx.core.http.HttpServerRequest request) {
    var response = request.response().setChunked(true).putHeader("Content-Type", "text/plain");
    long timer = vertx.setPeriodic(1, 100, id -> response.write("tick\n"));
    response.closeHandler(
        v -> {
          vertx.cancelTimer(timer);
          kubeletRequests.add("endless log closed");
        });
  }

  /** A cat that says when its stdin ends and exits 7, on the kubelet's channels. */
  static void exec(ServerWebSocket ws) {
    ws.writeBinaryMessage(Buffer.buffer(new byte[] {1}));
    ws.binaryMessageHandler(
        m -> {
          if (m.getByte(0) == 0) {
            ws.writeBinaryMessage(
                Buffer.buffer().appendByte((byte) 1).appendBuffer(m.slice(1, m.length())));
          } else if (m.getByte(0) == (byte) 0xff && m.getByte(1) == 0) {
            ws.writeBinaryMessage(
                Buffer.buffer().appendByte((byte) 2).appendString("stdin closed"));
            ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 3).appendString(STATUS_EXIT_7));
            ws.close((short) 1000);
          }
        });
  }

  // ---- clients ----

  record Reply(int code, String contentType, String body, int chunks) {}

  static Reply get(String uri) {
    return send(HttpMethod.GET, uri, List.of());
  }

  static Reply send(HttpMethod method, String uri, List<String> headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(server.port())
            .setURI(uri);
    for (int i = 0; i < headers.size(); i += 2) {
      options.addHeader(headers.get(i), headers.get(i + 1));
    }
    int[] chunks = new int[1];
    StringBuilder body = new StringBuilder();
    Future<Reply> reply =
        http.request(options)
            .compose(r -> r.send())
            .compose(
                (HttpClientResponse r) -> {
                  r.handler(
                      b -> {
                        chunks[0]++;
                        body.append(b.toString(StandardCharsets.UTF_8));
                      });
                  return r.end()
                      .map(
                          v ->
                              new Reply(
                                  r.statusCode(),
                                  r.getHeader("Content-Type"),
                                  body.toString(),
                                  chunks[0]));
                });
    try {
      return reply.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + uri + " failed", e);
    }
  }

  static void assertStatus(Reply reply, int code, String reason, String message) {
    assertThat(reply.code()).as(reply.body()).isEqualTo(code);
    assertThat(reply.body())
        .contains("\"kind\":\"Status\"")
        .contains("\"reason\":\"" + reason + "\"")
        .contains("\"message\":\"" + message.replace("\"", "\\\"") + "\"");
  }

  static String describe(Buffer message) {
    return message.getByte(0) + ":" + message.getString(1, message.length(), "UTF-8");
  }

  static PemKeyCertOptions identity(CertAndKey pair) {
    return new PemKeyCertOptions()
        .addCertValue(Buffer.buffer(pair.certificatePem()))
        .addKeyValue(Buffer.buffer(pair.keyPem()));
  }

  static void createPod(String name, String node, String... containers) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).endMetadata();
    var spec = pod.withNewSpec().withNodeName(node);
    for (String c : containers) {
      spec.addNewContainer().withName(c).withImage("busybox").endContainer();
    }
    client.pods().inNamespace(NS).resource(spec.endSpec().build()).create();
  }

  /**
   * A SPDY/3.1 client over TLS, as kubectl's: the HTTP upgrade by hand, then Netty's frame codec.
   * The codec is only touched while holding its monitor (socket thread and test thread).
   */
  static final class SpdyClient {
    final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    final ConcurrentLinkedQueue<Object> frames = new ConcurrentLinkedQueue<>();
    NetSocket socket;
    String responseHead;

    static SpdyClient connect(String uri) throws Exception {
      SpdyClient c = new SpdyClient();
      NetClient net =
          vertx.createNetClient(
              new NetClientOptions()
                  .setSsl(true)
                  .setTrustAll(true)
                  .setHostnameVerificationAlgorithm("")
                  .setKeyCertOptions(identity(admin)));
      NetSocket socket =
          net.connect(server.port(), "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      c.socket = socket;
      var head = new java.util.concurrent.CompletableFuture<String>();
      Buffer pending = Buffer.buffer();
      socket.handler(
          b -> {
            if (!head.isDone()) {
              pending.appendBuffer(b);
              String s = pending.toString(StandardCharsets.ISO_8859_1);
              int end = s.indexOf("\r\n\r\n");
              if (end < 0) {
                return;
              }
              head.complete(s.substring(0, end));
              Buffer rest = pending.slice(end + 4, pending.length());
              if (rest.length() > 0) {
                c.receive(rest);
              }
              return;
            }
            c.receive(b);
          });
      socket.write(
          "POST "
              + uri
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n"
              + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
              + "X-Stream-Protocol-Version: v3.channel.k8s.io\r\nContent-Length: 0\r\n\r\n");
      c.responseHead = head.get(30, TimeUnit.SECONDS);
      return c;
    }

    void receive(Buffer bytes) {
      synchronized (codec) {
        codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
        Object f;
        while ((f = codec.readInbound()) != null) {
          if (f instanceof SpdyDataFrame d) {
            frames.add(
                new Data(d.streamId(), d.content().toString(StandardCharsets.UTF_8), d.isLast()));
            d.release();
          } else {
            frames.add(f);
          }
        }
      }
    }

    record Data(int streamId, String text, boolean last) {}

    void open(int id, String type) {
      DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
      syn.headers().set("streamtype", type);
      send(syn);
    }

    void data(int id, String text, boolean last) {
      DefaultSpdyDataFrame d =
          new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      d.setLast(last);
      send(d);
    }

    void send(SpdyFrame frame) {
      List<Buffer> out = new ArrayList<>();
      synchronized (codec) {
        codec.writeOutbound(frame);
        Object o;
        while ((o = codec.readOutbound()) != null) {
          ByteBuf b = (ByteBuf) o;
          out.add(Buffer.buffer(ByteBufUtil.getBytes(b)));
          b.release();
        }
      }
      out.forEach(socket::write);
    }

    List<Integer> replies() {
      return frames.stream()
          .filter(f -> f instanceof SpdySynReplyFrame)
          .map(f -> ((SpdySynReplyFrame) f).streamId())
          .toList();
    }

    List<Integer> finished() {
      return frames.stream()
          .filter(f -> f instanceof Data d && d.last())
          .map(f -> ((Data) f).streamId())
          .toList();
    }

    String text(int id) {
      StringBuilder b = new StringBuilder();
      frames.stream()
          .filter(f -> f instanceof Data d && d.streamId() == id)
          .forEach(f -> b.append(((Data) f).text()));
      return b.toString();
    }

    void close() {
      socket.close();
      synchronized (codec) {
        codec.finishAndReleaseAll();
      }
    }
  }
}
