package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.ext.web.RoutingContext;

/**
 * Joins a client's exec/attach WebSocket to the kubelet's, message by message: both speak the same
 * channel sub-protocol, so each binary message (channel byte plus data) passes unchanged, as
 * kube-apiserver's upgrade-aware proxy passes the bytes. Messages, not frames, are relayed, so a
 * fragmented message keeps its single channel byte. Each side's reading pauses while the other's
 * write queue is full. Whichever side closes first closes the other with the same status code.
 *
 * <p>Both sockets must live on the same event loop (the kubelet connection is made from the
 * request's context).
 */
final class WebSocketRelay {

  private WebSocketRelay() {}

  /**
   * Once the kubelet's socket is open, upgrades the client's (paused) request and relays between
   * them; a kubelet refusal reaches the client as {@link KubeletClients#refused} words it.
   */
  static void upgradeAndRelay(RoutingContext rc, Future<WebSocket> kubeletSocket) {
    kubeletSocket
        .onSuccess(
            kubelet ->
                rc.request()
                    .toWebSocket()
                    .onSuccess(client -> relay(client, kubelet))
                    .onFailure(
                        e -> {
                          kubelet.close();
                          Responses.error(rc, Statuses.badRequest(e.getMessage()));
                        }))
        .onFailure(e -> KubeletClients.refused(rc, e));
  }

  /** Starts relaying; the kubelet side may be paused (it is resumed here). */
  static void relay(WebSocketBase client, WebSocketBase kubelet) {
    forward(kubelet, client);
    forward(client, kubelet);
    kubelet.closeHandler(v -> closeLike(client, kubelet));
    client.closeHandler(v -> closeLike(kubelet, client));
    kubelet.exceptionHandler(e -> kubelet.close());
    client.exceptionHandler(e -> client.close());
    kubelet.resume();
  }

  private static void forward(WebSocketBase from, WebSocketBase to) {
    from.binaryMessageHandler(
        message -> {
          if (to.isClosed()) {
            return;
          }
          to.writeBinaryMessage(message);
          throttle(from, to);
        });
    from.textMessageHandler(
        message -> {
          if (to.isClosed()) {
            return;
          }
          to.writeTextMessage(message);
          throttle(from, to);
        });
  }

  private static void throttle(WebSocketBase from, WebSocketBase to) {
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  private static void closeLike(WebSocketBase other, WebSocketBase closed) {
    if (other.isClosed()) {
      return;
    }
    Short code = closed.closeStatusCode();
    // 1005 (no status) and 1006 (abnormal) may not be sent in a close frame.
    if (code == null || code == 1005 || code == 1006 || code == 1015) {
      other.close((short) 1000);
    } else {
      other.close(code, closed.closeReason());
    }
  }
}
