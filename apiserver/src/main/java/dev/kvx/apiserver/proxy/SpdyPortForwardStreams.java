package dev.kvx.apiserver.proxy;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of Kubernetes' SPDY/3.1 port-forward protocol ({@code portforward.k8s.io}), as
 * the kubelet's httpstream handler speaks it. No I/O: bytes from the client go in, events and bytes
 * for the client come out through {@link Output}. Netty's SPDY frame codec does the framing and
 * header compression ({@link SpdyFraming}), as in {@link SpdyStreams}.
 *
 * <p>Each forwarded connection is a pair of client-opened streams sharing a {@code requestID}
 * header: {@code streamType: error} (the client only reads it) and {@code streamType: data}, both
 * with the remote {@code port}. Every stream gets a SYN_REPLY at once; a stream with a missing or
 * invalid port or type is reset, as upstream rejects it. Once both streams of a pair are open the
 * pair is {@link Output#opened}; data on its data stream is passed on; a reset of either stream
 * {@link Output#reset}s the pair. The caller sends the pod's bytes with {@link #data}, a failure
 * text with {@link #error}, and ends a pair with {@link #finish} (FIN on both streams: the client
 * reads the error stream to its end before it lets the connection go). Clients older than request
 * IDs get upstream's best-effort id from the stream id.
 *
 * <p>Not propagated: the client's FIN on a data stream (a TCP half-close), since the kubelet's
 * WebSocket protocol cannot carry it; the pod's connection ends when the pod closes it or the
 * client resets the stream. Not thread-safe: one event loop drives an instance.
 */
final class SpdyPortForwardStreams {

  static final String STREAM_TYPE = "streamtype";
  static final String PORT = "port";
  static final String REQUEST_ID = "requestid";
  static final String TYPE_DATA = "data";
  static final String TYPE_ERROR = "error";

  /** Where the session's events and bytes go. */
  interface Output {
    /** SPDY bytes for the client. */
    void toClient(Buffer bytes);

    /** Both streams of a forwarded connection are open: connect it to {@code port}. */
    void opened(String requestId, int port);

    /** Bytes the client sent for the connection. */
    void fromClient(String requestId, Buffer data);

    /** The client reset a stream of the connection: drop it. */
    void reset(String requestId);

    /** The client went away (GOAWAY) or spoke something that is not SPDY: end the session. */
    void clientGone(String why);
  }

  private static final class Pair {
    final String requestId;
    int port;
    int dataStream = -1;
    int errorStream = -1;
    boolean opened;

    Pair(String requestId) {
      this.requestId = requestId;
    }
  }

  private final SpdyFraming framing;
  private final Output out;
  private final Map<String, Pair> pairs = new HashMap<>();
  private final Map<Integer, Pair> byStream = new HashMap<>();

  SpdyPortForwardStreams(Output out) {
    this.out = out;
    this.framing = new SpdyFraming(this::onFrame, out::toClient, out::clientGone);
  }

  /** Bytes read from the client's connection. */
  void fromClient(Buffer bytes) {
    framing.fromClient(bytes);
  }

  private void onFrame(Object frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      opened(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      Pair pair = byStream.get(data.streamId());
      if (pair != null && pair.opened && data.streamId() == pair.dataStream) {
        if (data.content().isReadable()) {
          out.fromClient(pair.requestId, Buffer.buffer(ByteBufUtil.getBytes(data.content())));
        }
      }
    } else if (frame instanceof SpdyRstStreamFrame rst) {
      Pair pair = byStream.get(rst.streamId());
      if (pair != null) {
        forget(pair);
        if (pair.opened) {
          out.reset(pair.requestId);
        }
      }
    }
    // SETTINGS, WINDOW_UPDATE and HEADERS carry nothing this protocol uses.
  }

  private void opened(SpdySynStreamFrame syn) {
    int id = syn.streamId();
    String type = syn.headers().getAsString(STREAM_TYPE);
    String portHeader = syn.headers().getAsString(PORT);
    int port = parsePort(portHeader);
    if (syn.isInvalid() || port < 1 || !(TYPE_DATA.equals(type) || TYPE_ERROR.equals(type))) {
      framing.refuse(id);
      return;
    }
    String requestId = syn.headers().getAsString(REQUEST_ID);
    if (requestId == null || requestId.isEmpty()) {
      // Upstream's guess for clients that send no request id: consecutive stream ids.
      requestId = Integer.toString(TYPE_ERROR.equals(type) ? id : id - 2);
    }
    framing.reply(id, type);
    Pair pair = pairs.computeIfAbsent(requestId, Pair::new);
    if (TYPE_DATA.equals(type) ? pair.dataStream >= 0 : pair.errorStream >= 0) {
      // Upstream: "error stream already assigned"; the newcomer is refused.
      framing.refuse(id);
      return;
    }
    if (TYPE_DATA.equals(type)) {
      pair.dataStream = id;
      pair.port = port;
    } else {
      pair.errorStream = id;
      if (pair.port == 0) {
        pair.port = port;
      }
    }
    byStream.put(id, pair);
    if (pair.dataStream >= 0 && pair.errorStream >= 0) {
      pair.opened = true;
      out.opened(requestId, pair.port);
    }
  }

  private static int parsePort(String value) {
    if (value == null) {
      return -1;
    }
    try {
      int port = Integer.parseInt(value);
      return port <= 65535 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The pod's bytes for the connection's data stream. */
  void data(String requestId, Buffer data) {
    Pair pair = pairs.get(requestId);
    if (pair == null || data.length() == 0) {
      return;
    }
    framing.data(pair.dataStream, data.getBytes());
    framing.flush();
  }

  /** A failure for the connection's error stream (the client prints it). */
  void error(String requestId, String message) {
    Pair pair = pairs.get(requestId);
    if (pair == null || message.isEmpty()) {
      return;
    }
    framing.data(pair.errorStream, message.getBytes(StandardCharsets.UTF_8));
    framing.flush();
  }

  /** The connection is over: both streams end (FIN) and the pair is forgotten. */
  void finish(String requestId) {
    Pair pair = pairs.get(requestId);
    if (pair == null) {
      return;
    }
    forget(pair);
    framing.finish(pair.dataStream);
    framing.finish(pair.errorStream);
    framing.flush();
  }

  /** Forwarded connections whose streams are both open and not yet finished. */
  int openPairs() {
    return (int) pairs.values().stream().filter(p -> p.opened).count();
  }

  private void forget(Pair pair) {
    pairs.remove(pair.requestId, pair);
    byStream.remove(pair.dataStream);
    byStream.remove(pair.errorStream);
  }

  /** Frees the codec's buffers; call once the connection is gone. */
  void release() {
    framing.release();
  }
}
