package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SPDY side spoken as client-go's executor does (one stream per {@code streamtype}, stdin FIN,
 * JSON resize lines, pings), with a Netty SPDY codec as the client and the kubelet side recorded.
 */
class SpdyStreamsTest {

  private final EmbeddedChannel client =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final List<Object> fromServer = new ArrayList<>();
  private final List<String> toKubelet = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private final SpdyStreams.Output output =
      new SpdyStreams.Output() {
        @Override
        public void toClient(Buffer bytes) {
          client.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
          Object frame;
          while ((frame = client.readInbound()) != null) {
            if (frame instanceof SpdyDataFrame data) {
              // Keep what matters; the codec's buffer is released below.
              fromServer.add(new Data(data.streamId(), text(data.content()), data.isLast()));
              data.release();
            } else {
              fromServer.add(frame);
            }
          }
        }

        @Override
        public void toKubelet(Buffer message) {
          byte channel = message.getByte(0);
          toKubelet.add(
              (channel & 0xff)
                  + ":"
                  + message.getString(1, message.length(), StandardCharsets.UTF_8.name()));
        }

        @Override
        public void streamsReady() {
          events.add("ready");
        }

        @Override
        public void clientGone(String why) {
          events.add("gone");
        }
      };

  private record Data(int streamId, String text, boolean last) {}

  @AfterEach
  void release() {
    client.finishAndReleaseAll();
  }

  @Test
  void repliesToEachStreamAndIsReadyOnceAllExpectedAreOpen() {
    SpdyStreams streams = streams(Set.of("error", "stdout", "stderr"), true);
    open(streams, 1, "error");
    open(streams, 3, "stdout");
    assertThat(events).isEmpty();
    open(streams, 5, "stderr");

    assertThat(events).containsExactly("ready");
    assertThat(fromServer)
        .filteredOn(f -> f instanceof SpdySynReplyFrame)
        .extracting(f -> ((SpdySynReplyFrame) f).streamId())
        .containsExactly(1, 3, 5);
  }

  @Test
  void kubeletChannelsBecomeStreamDataAndEveryStreamEndsWhenTheKubeletIsDone() {
    SpdyStreams streams = streams(Set.of("error", "stdin", "stdout", "stderr"), true);
    open(streams, 1, "error");
    open(streams, 3, "stdin");
    open(streams, 5, "stdout");
    open(streams, 7, "stderr");
    fromServer.clear();

    streams.fromKubelet(Buffer.buffer(new byte[] {1})); // "streams are up": nothing to relay
    streams.fromKubelet(message(1, "out"));
    streams.fromKubelet(message(2, "err"));
    String status = "{\"metadata\":{},\"status\":\"Success\"}";
    streams.fromKubelet(message(3, status));
    streams.kubeletClosed();

    assertThat(fromServer)
        .containsExactly(
            new Data(5, "out", false),
            new Data(7, "err", false),
            new Data(1, status, false),
            new Data(1, "", true),
            new Data(3, "", true),
            new Data(5, "", true),
            new Data(7, "", true));
    assertThat(streams.ended()).isTrue();
  }

  @Test
  void stdinDataAndItsEndReachTheKubeletAsChannelZeroAndTheV5CloseSignal() {
    SpdyStreams streams = streams(Set.of("error", "stdin"), true);
    open(streams, 1, "error");
    open(streams, 3, "stdin");

    send(streams, data(3, "hello\n", false));
    send(streams, data(3, "", true));

    assertThat(toKubelet).containsExactly("0:hello\n", "255:\u0000");
  }

  @Test
  void aV4KubeletGetsNoCloseSignal() {
    SpdyStreams streams = streams(Set.of("error", "stdin"), false);
    open(streams, 1, "error");
    open(streams, 3, "stdin");

    send(streams, data(3, "x", true));

    assertThat(toKubelet).containsExactly("0:x");
  }

  @Test
  void resizeLinesBecomeOneMessageEach() {
    SpdyStreams streams = streams(Set.of("error", "stdout", "resize"), true);
    open(streams, 1, "error");
    open(streams, 3, "stdout");
    open(streams, 5, "resize");
    assertThat(events).containsExactly("ready");

    send(streams, data(5, "{\"Width\":80,\"Height\":24}\n{\"Width\":100,", false));
    send(streams, data(5, "\"Height\":30}\n", false));

    assertThat(toKubelet)
        .containsExactly("4:{\"Width\":80,\"Height\":24}", "4:{\"Width\":100,\"Height\":30}");
  }

  @Test
  void pingsAreEchoedAndGoAwayEndsTheSession() {
    SpdyStreams streams = streams(Set.of("error"), true);
    send(streams, new DefaultSpdyPingFrame(7));
    assertThat(fromServer)
        .singleElement()
        .isInstanceOfSatisfying(SpdyPingFrame.class, p -> assertThat(p.id()).isEqualTo(7));

    send(streams, new DefaultSpdyGoAwayFrame(0));
    assertThat(events).containsExactly("gone");
  }

  @Test
  void aFailureBeforeAnyStatusIsReportedOnTheErrorStream() {
    SpdyStreams streams = streams(Set.of("error", "stdout"), true);
    open(streams, 1, "error");
    fromServer.clear();

    streams.fail("timed out waiting for client to create streams");

    assertThat(fromServer).hasSize(2);
    Data status = (Data) fromServer.get(0);
    assertThat(status.streamId()).isEqualTo(1);
    assertThat(status.text())
        .contains("\"status\":\"Failure\"")
        .contains("timed out waiting for client to create streams");
    assertThat(fromServer.get(1)).isEqualTo(new Data(1, "", true));
  }

  @Test
  void framesOfAnotherSpdyVersionEndTheSession() {
    SpdyStreams streams = streams(Set.of("error"), true);
    // A SPDY/2 SYN_STREAM: control bit, version 2, type 1, ten bytes of payload.
    byte[] spdy2 = {(byte) 0x80, 2, 0, 1, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    streams.fromClient(Buffer.buffer(spdy2));
    assertThat(events).containsExactly("gone");
  }

  private SpdyStreams streams(Set<String> expected, boolean v5) {
    return new SpdyStreams(expected, v5, output);
  }

  private void open(SpdyStreams streams, int id, String type) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    syn.headers().set("streamtype", type);
    send(streams, syn);
  }

  private void send(SpdyStreams streams, SpdyFrame frame) {
    client.writeOutbound(frame);
    Object encoded;
    while ((encoded = client.readOutbound()) != null) {
      ByteBuf buf = (ByteBuf) encoded;
      streams.fromClient(Buffer.buffer(ByteBufUtil.getBytes(buf)));
      buf.release();
    }
  }

  private static SpdyDataFrame data(int id, String text, boolean last) {
    DefaultSpdyDataFrame frame =
        new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    frame.setLast(last);
    return frame;
  }

  private static Buffer message(int channel, String text) {
    return Buffer.buffer().appendByte((byte) channel).appendString(text);
  }

  private static String text(ByteBuf buf) {
    return buf.toString(StandardCharsets.UTF_8);
  }
}
