package dev.kvx.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The channels of one port-forward WebSocket: port {@code i}'s data on channel {@code 2i}, its
 * errors on {@code 2i+1}, and one TCP connection per port. Client bytes on a data channel go to
 * that port's connection; the connection's bytes come back on the data channel. Reading pauses on
 * whichever side's peer cannot take more. The socket closes normally once every port is done (its
 * connection closed or failed), and closing the socket closes every connection.
 *
 * <p>Not thread-safe: everything runs on the socket's event loop.
 */
final class PortForwardStreams {

  private final ServerWebSocket ws;
  private final List<Integer> ports;
  private final NetSocket[] connections;
  private final boolean[] done;
  private int remaining;

  PortForwardStreams(ServerWebSocket ws, List<Integer> ports) {
    this.ws = ws;
    this.ports = List.copyOf(ports);
    this.connections = new NetSocket[ports.size()];
    this.done = new boolean[ports.size()];
    this.remaining = ports.size();
    ws.binaryMessageHandler(this::fromClient);
    ws.closeHandler(v -> closeAll());
    ws.exceptionHandler(e -> ws.close());
  }

  /** The first message on every channel: the port, 2 bytes little-endian (upstream's contract). */
  void announcePorts() {
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i);
      for (int channel = 2 * i; channel <= 2 * i + 1; channel++) {
        ws.writeBinaryMessage(
            Buffer.buffer(3)
                .appendByte((byte) channel)
                .appendByte((byte) (port & 0xff))
                .appendByte((byte) ((port >> 8) & 0xff)));
      }
    }
  }

  /** Port {@code i}'s connection into the pod is open. */
  void connected(int i, NetSocket socket) {
    if (ws.isClosed()) {
      socket.close();
      return;
    }
    connections[i] = socket;
    byte channel = (byte) (2 * i);
    socket.handler(
        data -> {
          if (ws.isClosed()) {
            return;
          }
          ws.writeBinaryMessage(
              Buffer.buffer(data.length() + 1).appendByte(channel).appendBuffer(data));
          if (ws.writeQueueFull()) {
            socket.pause();
            ws.drainHandler(v -> resumeConnections());
          }
        });
    socket.closeHandler(v -> done(i));
    socket.exceptionHandler(e -> socket.close());
  }

  /** Port {@code i} could not be reached: the message goes on its error channel. */
  void failed(int i, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    if (!ws.isClosed()) {
      ws.writeBinaryMessage(
          Buffer.buffer(text.length + 1).appendByte((byte) (2 * i + 1)).appendBytes(text));
    }
    done(i);
  }

  private void fromClient(Buffer message) {
    if (message.length() < 2) {
      return; // an empty message carries nothing
    }
    int channel = message.getByte(0) & 0xff;
    int i = channel / 2;
    if (channel % 2 != 0 || i >= connections.length || connections[i] == null || done[i]) {
      return; // error channels are write-only; data for a port that is gone is dropped
    }
    NetSocket socket = connections[i];
    socket.write(message.getBuffer(1, message.length()));
    if (socket.writeQueueFull()) {
      ws.pause();
      socket.drainHandler(v -> ws.resume());
    }
  }

  private void resumeConnections() {
    for (int i = 0; i < connections.length; i++) {
      if (connections[i] != null && !done[i]) {
        connections[i].resume();
      }
    }
  }

  private void done(int i) {
    if (done[i]) {
      return;
    }
    done[i] = true;
    remaining--;
    if (remaining == 0 && !ws.isClosed()) {
      ws.close((short) 1000);
    }
  }

  private void closeAll() {
    for (int i = 0; i < connections.length; i++) {
      if (connections[i] != null && !done[i]) {
        connections[i].close();
      }
    }
  }
}
