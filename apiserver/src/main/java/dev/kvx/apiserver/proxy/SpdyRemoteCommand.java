package dev.kvx.apiserver.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SPDY exec/attach session: the client's upgraded connection on one side, the kubelet's
 * WebSocket on the other, {@link SpdyStreams} translating between them.
 *
 * <p>The kubelet socket stays paused until the client has opened its streams (output would have
 * nowhere to go) and whenever the client's connection cannot take more; the client's connection
 * pauses while the kubelet's write queue is full. After the kubelet is done the client closes the
 * connection once it has read every stream to its end; if it does not, the connection is closed
 * after {@link #LINGER_MS}. A client that never opens its streams gets a Failure status after
 * {@link #STREAM_CREATION_TIMEOUT_MS}, as the kubelet's streamCreationTimeout. Everything runs on
 * the request's event loop.
 */
final class SpdyRemoteCommand implements SpdyStreams.Output {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);

  static final long STREAM_CREATION_TIMEOUT_MS = 30_000;
  static final long LINGER_MS = 10_000;

  private final Vertx vertx;
  private final NetSocket client;
  private final WebSocket kubelet;
  private final SpdyStreams streams;
  private boolean streamsReady;
  private boolean clientBusy;
  private boolean clientClosed;
  private long timer;

  private SpdyRemoteCommand(
      Vertx vertx, NetSocket client, WebSocket kubelet, StreamOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.kubelet = kubelet;
    this.streams =
        new SpdyStreams(
            options.expectedSpdyStreams(), StreamProtocols.V5.equals(kubelet.subProtocol()), this);
  }

  /** Runs a session over an upgraded client connection and a paused kubelet socket. */
  static void start(Vertx vertx, NetSocket client, WebSocket kubelet, StreamOptions options) {
    new SpdyRemoteCommand(vertx, client, kubelet, options).run();
  }

  private void run() {
    kubelet.binaryMessageHandler(streams::fromKubelet);
    kubelet.closeHandler(v -> kubeletClosed());
    kubelet.exceptionHandler(e -> LOG.debug("kubelet socket: {}", e.toString()));
    client.handler(streams::fromClient);
    client.closeHandler(v -> clientClosed());
    client.exceptionHandler(e -> LOG.debug("SPDY client connection: {}", e.toString()));
    timer =
        vertx.setTimer(
            STREAM_CREATION_TIMEOUT_MS,
            id -> {
              if (!streamsReady && !clientClosed) {
                streams.fail("timed out waiting for client to create streams");
                kubelet.close();
                closeLater();
              }
            });
  }

  @Override
  public void toClient(Buffer bytes) {
    if (clientClosed) {
      return;
    }
    client.write(bytes);
    if (!clientBusy && client.writeQueueFull()) {
      clientBusy = true;
      updateKubeletFlow();
      client.drainHandler(
          v -> {
            clientBusy = false;
            updateKubeletFlow();
          });
    }
  }

  @Override
  public void toKubelet(Buffer message) {
    if (kubelet.isClosed()) {
      return;
    }
    kubelet.writeBinaryMessage(message);
    if (kubelet.writeQueueFull()) {
      client.pause();
      kubelet.drainHandler(v -> client.resume());
    }
  }

  @Override
  public void streamsReady() {
    streamsReady = true;
    vertx.cancelTimer(timer);
    updateKubeletFlow();
  }

  @Override
  public void clientGone(String why) {
    LOG.debug("SPDY session ends: {}", why);
    kubelet.close();
    client.close();
  }

  private void updateKubeletFlow() {
    if (streamsReady && !clientBusy) {
      kubelet.resume();
    } else {
      kubelet.pause();
    }
  }

  private void kubeletClosed() {
    if (clientClosed) {
      return;
    }
    Short code = kubelet.closeStatusCode();
    if (code != null && code == 1000) {
      streams.kubeletClosed();
    } else {
      streams.fail(
          "the connection to the kubelet ended abnormally"
              + (code == null ? "" : " (" + code + ")"));
    }
    closeLater();
  }

  /** The client closes first once it has read everything; this only covers one that does not. */
  private void closeLater() {
    vertx.setTimer(
        LINGER_MS,
        id -> {
          if (!clientClosed) {
            client.close();
          }
        });
  }

  private void clientClosed() {
    clientClosed = true;
    vertx.cancelTimer(timer);
    if (!kubelet.isClosed()) {
      kubelet.close();
    }
    streams.release();
  }
}
