package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.auth.CertAndKey;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The API server's clients for kubelets, as kube-apiserver's {@code --kubelet-client-certificate}:
 * HTTPS with a client certificate from the cluster CA (the kubelet-agent trusts that CA for its
 * logs and exec routes). The kubelet's serving certificate is not verified, as upstream without
 * {@code --kubelet-certificate-authority}: the agent's certificate is self-signed.
 *
 * <p>Requests use the caller's context (the event loop of the request being proxied).
 */
final class KubeletClients {

  /** The user the API server is to its kubelets, as kubeadm's apiserver-kubelet-client. */
  static final String USER = "kube-apiserver-kubelet-client";

  /** Followed logs hold a connection each: far more than the HTTP/1 pool's default of 5. */
  private static final int MAX_CONNECTIONS_PER_KUBELET = 256;

  /** exec output and stdin messages: well above the 64 KiB default. */
  private static final int MAX_WEBSOCKET_MESSAGE = 16 * 1024 * 1024;

  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final HttpClient http;
  private final WebSocketClient webSockets;

  KubeletClients(Vertx vertx, CertAndKey clientCertificate) {
    PemKeyCertOptions identity =
        new PemKeyCertOptions()
            .addCertValue(Buffer.buffer(clientCertificate.certificatePem()))
            .addKeyValue(Buffer.buffer(clientCertificate.keyPem()));
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setKeyCertOptions(identity)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setDecompressionSupported(false),
            new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_KUBELET));
    this.webSockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setKeyCertOptions(identity)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setMaxFrameSize(MAX_WEBSOCKET_MESSAGE)
                .setMaxMessageSize(MAX_WEBSOCKET_MESSAGE)
                .setMaxConnections(MAX_CONNECTIONS_PER_KUBELET));
  }

  HttpClient http() {
    return http;
  }

  WebSocketClient webSockets() {
    return webSockets;
  }

  /**
   * A WebSocket to the kubelet of {@code node}, paused so nothing the kubelet sends is lost before
   * the client's side is ready.
   */
  Future<WebSocket> webSocket(NodeConnection node, String uri, List<String> protocols) {
    return webSockets
        .connect(
            new WebSocketConnectOptions()
                .setHost(node.host())
                .setPort(node.port())
                .setSsl(true)
                .setURI(uri)
                .setSubProtocols(protocols))
        .map(
            ws -> {
              ws.pause();
              return ws;
            });
  }

  /**
   * Answers the client with the kubelet's refusal of a WebSocket as the kubelet gave it, or, for a
   * kubelet out of reach, with upstream's 500 "error dialing backend".
   */
  static void refused(RoutingContext rc, Throwable e) {
    rc.request().resume();
    if (e instanceof UpgradeRejectedException rejected) {
      String type =
          rejected.getHeaders() == null ? null : rejected.getHeaders().get("Content-Type");
      Responses.send(
          rc,
          rejected.getStatus(),
          type == null ? "text/plain; charset=utf-8" : type,
          rejected.getBody() == null ? Buffer.buffer() : rejected.getBody());
      return;
    }
    Responses.error(rc, Statuses.internalError("error dialing backend: " + e.getMessage()));
  }
}
