package dev.kvx.kubelet.server;

import dev.kvx.kubelet.pod.PodSpecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /portForward/{namespace}/{pod}[/{uid}]?ports=P[,Q...]} over WebSocket, as the kubelet's
 * WebSocket port-forward server ({@code v4.channel.k8s.io}, or no sub-protocol): each port gets a
 * data channel ({@code 2i}) and an error channel ({@code 2i+1}); the first message the server sends
 * on each carries the port as 2 bytes little-endian. Each port is one TCP connection into the pod
 * ({@link PodAddresses}); bytes on the data channel go there and back. A connection that fails puts
 * {@code error forwarding port P to pod ..., uid ...: <why>} on its error channel, as upstream; the
 * socket closes (1000) once every port's connection has ended.
 *
 * <p>Only WebSocket: the API server bridges kubectl's SPDY streams to one socket per forwarded
 * connection. Refusals before the upgrade are plain-text 400/404 as the kubelet's. The runtime
 * lookup runs on a worker; connections are Vert.x's, on the socket's event loop.
 */
final class PortForward {
  private static final Logger LOG = LoggerFactory.getLogger(PortForward.class);
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final KubeletRoutes.PodLocator locator;
  private final PodAddresses addresses;
  private final NetClient net;

  PortForward(Vertx vertx, KubeletRoutes.PodLocator locator, PodAddresses addresses) {
    this.vertx = vertx;
    this.locator = locator;
    this.addresses = addresses;
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS));
  }

  void handle(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    String podName = ctx.pathParam("pod");
    String uid = ctx.pathParam("uid");
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      KubeletRoutes.plain(ctx, 400, "Upgrade request required");
      return;
    }
    List<Integer> ports;
    try {
      ports = parsePorts(ctx.queryParam("ports"));
    } catch (IllegalArgumentException e) {
      KubeletRoutes.plain(ctx, 400, e.getMessage());
      return;
    }
    KubeletRoutes.Located located = locator.find(ns, podName);
    if (located == null || (uid != null && !uid.equals(PodSpecs.uid(located.pod())))) {
      KubeletRoutes.plain(
          ctx, 404, "pod \"" + podName + "\" not found in namespace \"" + ns + "\"");
      return;
    }
    ctx.request()
        .toWebSocket()
        .onFailure(e -> LOG.debug("port-forward upgrade failed: {}", e.toString()))
        .onSuccess(ws -> start(ws, located, ports));
  }

  private void start(ServerWebSocket ws, KubeletRoutes.Located located, List<Integer> ports) {
    // Nothing the client sends may be lost while the pod's connections are being made.
    ws.pause();
    PortForwardStreams streams = new PortForwardStreams(ws, ports);
    streams.announcePorts();
    vertx
        .executeBlocking(() -> addresses.resolve(located), false)
        .onComplete(
            target -> {
              if (target.failed()) {
                String why = target.cause().getMessage();
                for (int i = 0; i < ports.size(); i++) {
                  streams.failed(i, errorMessage(ports.get(i), located, null, why));
                }
                ws.resume();
                return;
              }
              PodAddresses.Target to = target.result();
              List<Future<?>> connecting = new ArrayList<>();
              for (int i = 0; i < ports.size(); i++) {
                int index = i;
                int port = ports.get(i);
                connecting.add(
                    net.connect(port, to.host())
                        .onSuccess(socket -> streams.connected(index, socket))
                        .onFailure(
                            e ->
                                streams.failed(
                                    index,
                                    errorMessage(
                                        port, located, to, dialError(to.host(), port, e)))));
              }
              Future.join(connecting).onComplete(all -> ws.resume());
            });
  }

  /** As upstream's {@code error forwarding port %d to pod %s, uid %v: %v}. */
  static String errorMessage(
      int port, KubeletRoutes.Located located, PodAddresses.Target target, String why) {
    // The CRI streaming server knows the pod by its sandbox id and passes no uid.
    boolean bySandbox = target != null && target.sandboxId() != null;
    String pod =
        bySandbox
            ? target.sandboxId()
            : located.pod().getMetadata().getNamespace()
                + "/"
                + located.pod().getMetadata().getName();
    String uid = bySandbox ? "" : PodSpecs.uid(located.pod());
    return "error forwarding port " + port + " to pod " + pod + ", uid " + uid + ": " + why;
  }

  /** Go's dialer wording, which is what users search for. */
  static String dialError(String host, int port, Throwable e) {
    String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String lower = message.toLowerCase();
    String reason =
        lower.contains("connection refused")
            ? "connect: connection refused"
            : lower.contains("timed out") ? "i/o timeout" : message;
    return "failed to connect to "
        + address
        + " (the pod's IP): dial tcp "
        + address
        + ": "
        + reason;
  }

  /**
   * The {@code ports} query parameter as upstream's {@code NewV4Options}: repeatable, each a comma
   * separated list of ports 1..65535.
   */
  static List<Integer> parsePorts(List<String> values) {
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("query parameter \"ports\" is required");
    }
    List<Integer> ports = new ArrayList<>();
    for (String value : values) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("query parameter \"ports\" cannot be empty");
      }
      for (String p : value.split(",", -1)) {
        int port;
        try {
          port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "unable to parse \"" + value + "\" as a port: invalid syntax");
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              port < 1
                  ? "port \"" + value + "\" must be > 0"
                  : "unable to parse \"" + value + "\" as a port: value out of range");
        }
        ports.add(port);
      }
    }
    return ports;
  }
}
