package dev.kvx.apiserver.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * The SPDY/3.1 connection under both of Kubernetes' SPDY protocols (remote command in {@link
 * SpdyStreams}, port forward in {@link SpdyPortForwardStreams}): Netty's frame codec on an embedded
 * channel turns the client's bytes into frames and written frames into bytes, with no I/O of its
 * own. PINGs are echoed and GOAWAY ends the session here; every other frame goes to the protocol.
 * Frames written while handling the client's bytes go out together after them; others on {@link
 * #flush()}.
 *
 * <p>Not thread-safe: one event loop drives an instance.
 */
final class SpdyFraming {
  private final EmbeddedChannel codec =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Consumer<Object> protocol;
  private final Consumer<Buffer> toClient;
  private final Consumer<String> clientGone;
  private boolean released;

  /**
   * @param protocol each frame from the client but PING and GOAWAY (released after the call)
   * @param toClient SPDY bytes for the client
   * @param clientGone the client went away (GOAWAY) or spoke something that is not SPDY
   */
  SpdyFraming(Consumer<Object> protocol, Consumer<Buffer> toClient, Consumer<String> clientGone) {
    this.protocol = protocol;
    this.toClient = toClient;
    this.clientGone = clientGone;
  }

  /** Bytes read from the client's connection. */
  void fromClient(Buffer bytes) {
    if (released) {
      return;
    }
    try {
      codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
    } catch (Exception e) { // Netty rethrows the decoder's checked SpdyProtocolException as is
      clientGone.accept("invalid SPDY frame: " + e.getMessage());
      return;
    }
    Object frame;
    while ((frame = codec.readInbound()) != null) {
      try {
        if (frame instanceof SpdyPingFrame ping) {
          write(new DefaultSpdyPingFrame(ping.id()));
        } else if (frame instanceof SpdyGoAwayFrame) {
          clientGone.accept("the client sent GOAWAY");
        } else {
          protocol.accept(frame);
        }
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
    flush();
  }

  /** Queues a frame for the client. */
  void write(Object frame) {
    if (!released) {
      codec.writeOutbound(frame);
    }
  }

  /** Answers a stream the client opened. */
  void reply(int streamId, String type) {
    write(synReply(streamId, type));
  }

  /** Refuses a stream the client opened. */
  void refuse(int streamId) {
    write(new DefaultSpdyRstStreamFrame(streamId, SpdyStreamStatus.PROTOCOL_ERROR));
  }

  /** Data on a stream. */
  void data(int streamId, byte[] bytes) {
    write(new DefaultSpdyDataFrame(streamId, Unpooled.wrappedBuffer(bytes)));
  }

  /** Ends a stream from this side (FIN). */
  void finish(int streamId) {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(streamId);
    fin.setLast(true);
    write(fin);
  }

  /** Sends what was written, as one buffer. */
  void flush() {
    Buffer bytes = null;
    Object encoded;
    while ((encoded = codec.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) encoded;
      try {
        if (bytes == null) {
          bytes = Buffer.buffer(buf.readableBytes());
        }
        bytes.appendBytes(ByteBufUtil.getBytes(buf));
      } finally {
        buf.release();
      }
    }
    if (bytes != null && bytes.length() > 0) {
      toClient.accept(bytes);
    }
  }

  boolean released() {
    return released;
  }

  /** Frees the codec's buffers; call once the connection is gone. */
  void release() {
    if (!released) {
      released = true;
      codec.finishAndReleaseAll();
    }
  }

  /**
   * A SYN_REPLY that carries a header: Netty encodes an empty header set as no header block at all,
   * which Go's SPDY framer (kubectl's spdystream) cannot read, so the stream's type is echoed.
   */
  private static DefaultSpdySynReplyFrame synReply(int id, String type) {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
    reply.headers().set(SpdyStreams.STREAM_TYPE, type == null ? "" : type);
    return reply;
  }
}
