package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code pods/exec} and {@code pods/attach}: connects to the kubelet's {@code /exec} or {@code
 * /attach} WebSocket first (so a kubelet refusal reaches the client as the kubelet's own HTTP
 * answer, as kube-apiserver's upgrade-aware proxy relays it), then upgrades the client:
 *
 * <ul>
 *   <li>WebSocket (kubectl 1.30+, fabric8): the client's sub-protocol is asked of the kubelet too,
 *       and messages are relayed unchanged ({@link WebSocketRelay});
 *   <li>SPDY/3.1 (kubectl 1.27–1.29, and newer ones falling back): the API server answers 101 with
 *       the negotiated {@code X-Stream-Protocol-Version}, takes the raw connection and translates
 *       ({@link SpdyRemoteCommand}).
 * </ul>
 *
 * Anything else is 400 {@code Upgrade request required}. Runs on the request's event loop.
 */
final class RemoteCommandProxy {

  private final Vertx vertx;
  private final KubeletClients clients;

  RemoteCommandProxy(Vertx vertx, KubeletClients clients) {
    this.vertx = vertx;
    this.clients = clients;
  }

  /**
   * @param subresource {@code exec} or {@code attach}: the kubelet's path has the same name
   */
  void connect(
      RoutingContext rc,
      String subresource,
      NodeConnection node,
      String ns,
      String pod,
      String container,
      StreamOptions options) {
    HttpServerRequest request = rc.request();
    String query = options.kubeletQuery();
    String uri =
        String.join("/", "", subresource, ns, pod, container)
            + (query.isEmpty() ? "" : "?" + query);
    String upgrade = request.getHeader("Upgrade");
    if ("websocket".equalsIgnoreCase(upgrade)) {
      String protocol =
          StreamProtocols.negotiate(
              request.headers().getAll("Sec-WebSocket-Protocol"), StreamProtocols.WEBSOCKET);
      WebSocketRelay.upgradeAndRelay(
          rc, clients.webSocket(node, uri, protocol == null ? List.of() : List.of(protocol)));
    } else if (StreamProtocols.UPGRADE_SPDY.equalsIgnoreCase(upgrade)) {
      List<String> offered = request.headers().getAll(StreamProtocols.PROTOCOL_HEADER);
      String protocol = StreamProtocols.negotiate(offered, StreamProtocols.SPDY);
      if (protocol == null) {
        request.resume();
        // As apimachinery's httpstream.Handshake words it.
        Responses.send(
            rc,
            403,
            "text/plain; charset=utf-8",
            Buffer.buffer(
                "unable to upgrade: unable to negotiate protocol: client supports "
                    + goList(StreamProtocols.split(offered))
                    + ", server accepts "
                    + goList(StreamProtocols.SPDY)
                    + "\n"));
        return;
      }
      clients.webSocket(node, uri, StreamProtocols.KUBELET_FOR_SPDY)
          .onSuccess(
              kubelet -> {
                // The request was paused until now; the raw connection must read again.
                request.resume();
                SpdyUpgrade.accept(request, protocol)
                    .onSuccess(socket -> SpdyRemoteCommand.start(vertx, socket, kubelet, options))
                    .onFailure(
                        e -> {
                          kubelet.close();
                          Responses.error(rc, Statuses.badRequest(e.getMessage()));
                        });
              })
          .onFailure(e -> KubeletClients.refused(rc, e));
    } else {
      request.resume();
      Responses.error(rc, Statuses.badRequest("Upgrade request required"));
    }
  }

  private static String goList(List<String> items) {
    return "[" + String.join(" ", items) + "]";
  }
}
