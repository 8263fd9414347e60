package dev.kvx.apiserver.proxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SPDY port-forward session: the client's connection (an upgraded HTTP/1.1 connection, or a
 * WebSocket carrying SPDY as KEP-4006's tunnel does) on one side, and one kubelet WebSocket per
 * forwarded connection on the other ({@code /portForward/...?ports=P}, {@code v4.channel.k8s.io}).
 * {@link SpdyPortForwardStreams} speaks SPDY; this class moves the bytes.
 *
 * <p>Kubelet channels: 0 is the port's data, 1 its errors; the first message on each only announces
 * the port and is dropped. A kubelet socket that cannot be opened, or its refusal, becomes a
 * message on the connection's error stream (kubectl prints it as {@code an error occurred
 * forwarding ...}). Bytes the client sends before the kubelet socket is open wait in a queue. Flow:
 * the client's reading pauses while a kubelet socket cannot take more; kubelet sockets pause while
 * the client's connection cannot. Everything runs on the request's event loop.
 */
final class PortForwardSession implements SpdyPortForwardStreams.Output {
  private static final Logger LOG = LoggerFactory.getLogger(PortForwardSession.class);
  private static final byte DATA = 0;
  private static final byte ERROR = 1;

  /** The client's side as a byte stream, whichever transport carries it. */
  record ClientConnection(
      ReadStream<Buffer> in,
      WriteStream<Buffer> out,
      Runnable close,
      Handler<Handler<Void>> onClose) {

    static ClientConnection of(NetSocket socket) {
      return new ClientConnection(socket, socket, socket::close, socket::closeHandler);
    }

    /** SPDY tunneled in binary WebSocket messages (client-go's TunnelingConnection). */
    static ClientConnection of(ServerWebSocket ws) {
      return new ClientConnection(ws, ws, () -> ws.close((short) 1000), ws::closeHandler);
    }
  }

  /** Opens a kubelet socket for a port; the socket comes paused. */
  interface KubeletDialer extends BiFunction<String, Integer, Future<WebSocket>> {}

  private static final class Forward {
    WebSocket kubelet;
    final List<Buffer> pending = new ArrayList<>();
    boolean dataAnnounced;
    boolean errorAnnounced;
    boolean reset;
  }

  private final ClientConnection client;
  private final KubeletDialer dialer;
  private final SpdyPortForwardStreams streams;
  private final Map<String, Forward> forwards = new HashMap<>();
  private boolean clientBusy;
  private boolean clientClosed;

  private PortForwardSession(ClientConnection client, KubeletDialer dialer) {
    this.client = client;
    this.dialer = dialer;
    this.streams = new SpdyPortForwardStreams(this);
  }

  /** Runs a session over the client's upgraded connection. */
  static void start(ClientConnection client, KubeletDialer dialer) {
    new PortForwardSession(client, dialer).run();
  }

  private void run() {
    client.in().handler(streams::fromClient);
    client.in().exceptionHandler(e -> LOG.debug("port-forward client: {}", e.toString()));
    client.onClose().handle(v -> clientClosed());
  }

  @Override
  public void toClient(Buffer bytes) {
    if (clientClosed) {
      return;
    }
    client.out().write(bytes);
    if (!clientBusy && client.out().writeQueueFull()) {
      clientBusy = true;
      forwards.values().forEach(f -> pauseKubelet(f, true));
      client
          .out()
          .drainHandler(
              v -> {
                clientBusy = false;
                forwards.values().forEach(f -> pauseKubelet(f, false));
              });
    }
  }

  @Override
  public void opened(String requestId, int port) {
    Forward forward = new Forward();
    forwards.put(requestId, forward);
    dialer
        .apply(requestId, port)
        .onSuccess(kubelet -> connected(requestId, forward, kubelet))
        .onFailure(
            e -> {
              if (forwards.remove(requestId) == forward) {
                streams.error(requestId, refusal(e));
                streams.finish(requestId);
              }
            });
  }

  private void connected(String requestId, Forward forward, WebSocket kubelet) {
    if (clientClosed || forward.reset) {
      kubelet.close();
      return;
    }
    forward.kubelet = kubelet;
    kubelet.binaryMessageHandler(message -> fromKubelet(requestId, forward, message));
    kubelet.closeHandler(
        v -> {
          if (forwards.remove(requestId) == forward) {
            streams.finish(requestId);
          }
        });
    kubelet.exceptionHandler(e -> LOG.debug("kubelet port-forward socket: {}", e.toString()));
    for (Buffer data : forward.pending) {
      toKubelet(forward, data);
    }
    forward.pending.clear();
    pauseKubelet(forward, clientBusy);
  }

  private void fromKubelet(String requestId, Forward forward, Buffer message) {
    if (message.length() == 0) {
      return;
    }
    byte channel = message.getByte(0);
    Buffer data = message.getBuffer(1, message.length());
    if (channel == DATA) {
      if (!forward.dataAnnounced) {
        forward.dataAnnounced = true; // the port, little-endian: nothing for the client
        return;
      }
      streams.data(requestId, data);
    } else if (channel == ERROR) {
      if (!forward.errorAnnounced) {
        forward.errorAnnounced = true;
        return;
      }
      streams.error(requestId, data.toString());
    }
  }

  @Override
  public void fromClient(String requestId, Buffer data) {
    Forward forward = forwards.get(requestId);
    if (forward == null) {
      return;
    }
    if (forward.kubelet == null) {
      forward.pending.add(data);
    } else {
      toKubelet(forward, data);
    }
  }

  private void toKubelet(Forward forward, Buffer data) {
    WebSocket kubelet = forward.kubelet;
    if (kubelet.isClosed()) {
      return;
    }
    kubelet.writeBinaryMessage(
        Buffer.buffer(data.length() + 1).appendByte(DATA).appendBuffer(data));
    if (kubelet.writeQueueFull()) {
      client.in().pause();
      kubelet.drainHandler(v -> client.in().resume());
    }
  }

  @Override
  public void reset(String requestId) {
    Forward forward = forwards.remove(requestId);
    if (forward != null) {
      forward.reset = true;
      if (forward.kubelet != null) {
        forward.kubelet.close();
      }
    }
  }

  @Override
  public void clientGone(String why) {
    LOG.debug("port-forward session ends: {}", why);
    client.close().run();
  }

  private void clientClosed() {
    clientClosed = true;
    for (Forward forward : forwards.values()) {
      forward.reset = true;
      if (forward.kubelet != null) {
        forward.kubelet.close();
      }
    }
    forwards.clear();
    streams.release();
  }

  private static void pauseKubelet(Forward forward, boolean pause) {
    if (forward.kubelet == null) {
      return;
    }
    if (pause) {
      forward.kubelet.pause();
    } else {
      forward.kubelet.resume();
    }
  }

  /** The kubelet's refusal text as it gave it; a kubelet out of reach as upstream says it. */
  static String refusal(Throwable e) {
    if (e instanceof UpgradeRejectedException rejected) {
      String body = rejected.getBody() == null ? "" : rejected.getBody().toString().strip();
      return body.isEmpty() ? "the kubelet answered " + rejected.getStatus() : body;
    }
    return "error dialing backend: " + e.getMessage();
  }
}
