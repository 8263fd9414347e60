package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code pods/portforward}, as kube-apiserver's PortForwardREST: the client's upgrade is served
 * against the kubelet's {@code /portForward/{namespace}/{pod}} WebSocket ({@code
 * v4.channel.k8s.io}, one socket per forwarded connection):
 *
 * <ul>
 *   <li>SPDY/3.1 with {@code X-Stream-Protocol-Version: portforward.k8s.io} (kubectl up to 1.30,
 *       and newer ones falling back): 101, then {@link PortForwardSession} over the raw connection;
 *   <li>WebSocket with sub-protocol {@value #TUNNEL} (kubectl 1.31+, KEP-4006): the same SPDY
 *       session carried in binary messages;
 *   <li>WebSocket with {@code v4.channel.k8s.io} or none (fabric8's {@code portForward}, with
 *       {@code ?ports=}): relayed message by message to one kubelet socket, as exec is.
 * </ul>
 *
 * Anything else is 400 {@code Upgrade request required}. Runs on the request's event loop.
 */
final class PortForwardProxy {

  /** The sub-protocol of SPDY tunneled in a WebSocket. */
  static final String TUNNEL = "SPDY/3.1+portforward.k8s.io";

  /** The SPDY stream protocol of port forwarding. */
  static final String SPDY_PROTOCOL = "portforward.k8s.io";

  static final List<String> WEBSOCKET = List.of(TUNNEL, StreamProtocols.V4);

  /** The kubelet's port-forward WebSocket protocol. */
  private static final List<String> KUBELET_PROTOCOLS = List.of(StreamProtocols.V4);

  private final KubeletClients clients;

  PortForwardProxy(KubeletClients clients) {
    this.clients = clients;
  }

  /**
   * The request was paused by the caller (nothing may be read before the upgrade): a WebSocket
   * upgrade takes it paused, any other answer resumes it.
   */
  void connect(RoutingContext rc, NodeConnection node, String ns, String pod) {
    HttpServerRequest request = rc.request();
    String base = String.join("/", "", "portForward", ns, pod);
    String upgrade = request.getHeader("Upgrade");
    if ("websocket".equalsIgnoreCase(upgrade)) {
      List<String> offered =
          StreamProtocols.split(request.headers().getAll("Sec-WebSocket-Protocol"));
      String protocol = StreamProtocols.negotiate(offered, WEBSOCKET);
      if (TUNNEL.equals(protocol)) {
        request
            .toWebSocket()
            .onSuccess(
                ws ->
                    PortForwardSession.start(
                        PortForwardSession.ClientConnection.of(ws),
                        (id, port) -> forwarded(node, base, port)))
            .onFailure(e -> Responses.error(rc, Statuses.badRequest(e.getMessage())));
        return;
      }
      if (!offered.isEmpty() && protocol == null) {
        request.resume();
        Responses.error(
            rc,
            Statuses.badRequest(
                "unable to upgrade: unable to negotiate protocol: client supports "
                    + offered
                    + ", server accepts "
                    + WEBSOCKET));
        return;
      }
      WebSocketRelay.upgradeAndRelay(
          rc, clients.webSocket(node, base + ports(rc), KUBELET_PROTOCOLS));
    } else if (StreamProtocols.UPGRADE_SPDY.equalsIgnoreCase(upgrade)) {
      request.resume();
      List<String> offered = request.headers().getAll(StreamProtocols.PROTOCOL_HEADER);
      if (StreamProtocols.negotiate(offered, List.of(SPDY_PROTOCOL)) == null) {
        // As apimachinery's httpstream.Handshake words it.
        Responses.send(
            rc,
            403,
            "text/plain; charset=utf-8",
            Buffer.buffer(
                "unable to upgrade: unable to negotiate protocol: client supports ["
                    + String.join(" ", StreamProtocols.split(offered))
                    + "], server accepts ["
                    + SPDY_PROTOCOL
                    + "]\n"));
        return;
      }
      SpdyUpgrade.accept(request, SPDY_PROTOCOL)
          .onSuccess(
              socket ->
                  PortForwardSession.start(
                      PortForwardSession.ClientConnection.of(socket),
                      (id, port) -> forwarded(node, base, port)))
          .onFailure(e -> Responses.error(rc, Statuses.badRequest(e.getMessage())));
    } else {
      request.resume();
      Responses.error(rc, Statuses.badRequest("Upgrade request required"));
    }
  }

  /** One forwarded connection of a SPDY session: a kubelet WebSocket for its port. */
  private Future<WebSocket> forwarded(NodeConnection node, String base, int port) {
    return clients.webSocket(node, base + "?ports=" + port, KUBELET_PROTOCOLS);
  }

  /** The client's {@code ports} parameters for the kubelet, as upstream's streamParams. */
  private static String ports(RoutingContext rc) {
    StringBuilder query = new StringBuilder();
    for (String port : rc.queryParam("ports")) {
      query
          .append(query.length() == 0 ? "?" : "&")
          .append("ports=")
          .append(URLEncoder.encode(port, StandardCharsets.UTF_8));
    }
    return query.toString();
  }

}
