package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.json.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server side of Kubernetes' SPDY/3.1 remote-command protocol (v4.channel.k8s.io), translated
 * to the kubelet's WebSocket channels. No I/O here: bytes from the client and messages from the
 * kubelet go in; bytes for the client and messages for the kubelet come out through {@link Output}.
 * {@link SpdyFraming} (Netty's SPDY frame codec) does the framing and header compression.
 *
 * <p>The protocol, as the kubelet's remotecommand server and client-go's executor speak it: the
 * client opens one stream per purpose, named by its {@code streamType} header (error, stdin,
 * stdout, stderr, resize); the server answers each with SYN_REPLY at once, since the client waits
 * for it before opening the next. stdin's data and FIN become channel 0 and v5's close signal;
 * resize's JSON lines become channel 4; channels 1, 2 and 3 from the kubelet become data on stdout,
 * stderr and error (the exit status there is a JSON {@code Status}, the same in v4 and v5). When
 * the kubelet is done every stream gets FIN: the client reads each to its end before it exits.
 * PINGs are echoed. There is no flow control: kubectl's spdystream neither sends nor honours
 * WINDOW_UPDATE, and neither does the kubelet's.
 *
 * <p>Not thread-safe: one event loop drives an instance.
 */
final class SpdyStreams {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyStreams.class);

  /**
   * The stream header naming its purpose ({@code streamType}; SPDY header names are lower case).
   */
  static final String STREAM_TYPE = "streamtype";

  /** Where translated traffic goes. */
  interface Output {
    /** SPDY bytes for the client. */
    void toClient(Buffer bytes);

    /** One binary WebSocket message (channel byte plus data) for the kubelet. */
    void toKubelet(Buffer message);

    /** Every stream the client was expected to open is open: kubelet output may flow now. */
    void streamsReady();

    /** The client went away (GOAWAY) or spoke something that is not SPDY: end the session. */
    void clientGone(String why);
  }

  private final SpdyFraming framing;
  private final Set<String> expected;
  private final boolean kubeletTakesStdinClose;
  private final Output out;
  private final Map<String, Integer> streamsByType = new LinkedHashMap<>();
  private final Map<Integer, String> typesById = new LinkedHashMap<>();
  private final ByteArrayOutputStream resize = new ByteArrayOutputStream();
  private boolean ready;
  private boolean stdinClosed;
  private boolean statusSent;
  private boolean ended;

  /**
   * @param expected the stream types to wait for ({@link StreamOptions#expectedSpdyStreams()})
   * @param kubeletTakesStdinClose whether the kubelet speaks v5, whose close signal ends stdin
   */
  SpdyStreams(Set<String> expected, boolean kubeletTakesStdinClose, Output out) {
    this.expected = Set.copyOf(expected);
    this.kubeletTakesStdinClose = kubeletTakesStdinClose;
    this.out = out;
    this.framing = new SpdyFraming(this::onFrame, out::toClient, out::clientGone);
  }

  /** Bytes read from the client's connection. */
  void fromClient(Buffer bytes) {
    framing.fromClient(bytes);
  }

  private void onFrame(Object frame) {
    LOG.trace("SPDY frame from the client: {}", frame);
    if (frame instanceof SpdySynStreamFrame syn) {
      opened(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      data(data.streamId(), data.content(), data.isLast());
    } else if (frame instanceof SpdyRstStreamFrame rst) {
      if (StreamOptions.STREAM_STDIN.equals(typesById.get(rst.streamId()))) {
        closeStdin();
      }
    }
    // SETTINGS, WINDOW_UPDATE and HEADERS carry nothing this protocol uses.
  }

  private void opened(SpdySynStreamFrame syn) {
    int id = syn.streamId();
    if (syn.isInvalid()) {
      framing.refuse(id);
      return;
    }
    String type = syn.headers().getAsString(STREAM_TYPE);
    framing.reply(id, type);
    if (type != null && !streamsByType.containsKey(type)) {
      streamsByType.put(type, id);
      typesById.put(id, type);
    }
    if (ended) {
      // The command finished before this stream opened: nothing more will come on it.
      framing.finish(id);
      return;
    }
    if (syn.isLast() && StreamOptions.STREAM_STDIN.equals(type)) {
      closeStdin();
    }
    if (!ready && streamsByType.keySet().containsAll(expected)) {
      ready = true;
      out.streamsReady();
    }
  }

  private void data(int id, ByteBuf content, boolean last) {
    String type = typesById.get(id);
    if (StreamOptions.STREAM_STDIN.equals(type)) {
      if (content.isReadable() && !stdinClosed) {
        out.toKubelet(message(StreamProtocols.STDIN, ByteBufUtil.getBytes(content)));
      }
      if (last) {
        closeStdin();
      }
    } else if (StreamOptions.STREAM_RESIZE.equals(type)) {
      resize.writeBytes(ByteBufUtil.getBytes(content));
      sendResizes();
    }
  }

  /**
   * The client's encoder writes one JSON TerminalSize per line; the kubelet takes one a message.
   */
  private void sendResizes() {
    byte[] pending = resize.toByteArray();
    int start = 0;
    for (int i = 0; i < pending.length; i++) {
      if (pending[i] == '\n') {
        String size = new String(pending, start, i - start, StandardCharsets.UTF_8).trim();
        if (!size.isEmpty()) {
          out.toKubelet(message(StreamProtocols.RESIZE, size.getBytes(StandardCharsets.UTF_8)));
        }
        start = i + 1;
      }
    }
    resize.reset();
    resize.write(pending, start, pending.length - start);
  }

  private void closeStdin() {
    if (stdinClosed) {
      return;
    }
    stdinClosed = true;
    if (kubeletTakesStdinClose) {
      out.toKubelet(Buffer.buffer(new byte[] {StreamProtocols.CLOSE, StreamProtocols.STDIN}));
    }
  }

  /** One binary message from the kubelet: its first byte names the channel. */
  void fromKubelet(Buffer message) {
    if (ended || framing.released() || message.length() < 2) {
      return; // an empty message on an output channel only says the streams are up
    }
    String type =
        switch (message.getByte(0)) {
          case StreamProtocols.STDOUT -> StreamOptions.STREAM_STDOUT;
          case StreamProtocols.STDERR -> StreamOptions.STREAM_STDERR;
          case StreamProtocols.ERROR -> StreamOptions.STREAM_ERROR;
          default -> null;
        };
    Integer id = type == null ? null : streamsByType.get(type);
    if (id == null) {
      return;
    }
    if (StreamOptions.STREAM_ERROR.equals(type)) {
      statusSent = true;
    }
    framing.data(id, message.getBytes(1, message.length()));
    framing.flush();
  }

  /** The kubelet closed its socket: the command is over; every stream ends (FIN). */
  void kubeletClosed() {
    end();
  }

  /**
   * The session failed before the kubelet reported a status (no kubelet, streams never opened): the
   * client gets a Failure {@code Status} on the error stream, then every stream ends.
   */
  void fail(String message) {
    if (ended || framing.released()) {
      return;
    }
    Integer error = streamsByType.get(StreamOptions.STREAM_ERROR);
    if (error != null && !statusSent) {
      statusSent = true;
      ObjectNode status = Json.object();
      status.putObject("metadata");
      status.put("status", "Failure");
      status.put("message", message);
      status.put("reason", "InternalError");
      status.put("code", 500);
      framing.data(error, Json.bytes(status));
    }
    end();
  }

  private void end() {
    if (ended || framing.released()) {
      return;
    }
    ended = true;
    for (int id : typesById.keySet()) {
      framing.finish(id);
    }
    framing.flush();
  }

  boolean ended() {
    return ended;
  }

  /** Frees the codec's buffers; call once the connection is gone. */
  void release() {
    framing.release();
  }

  private static Buffer message(byte channel, byte[] data) {
    return Buffer.buffer(data.length + 1).appendByte(channel).appendBytes(data);
  }
}
