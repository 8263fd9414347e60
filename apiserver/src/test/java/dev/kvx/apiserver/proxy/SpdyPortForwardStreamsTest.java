package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port-forward SPDY side spoken as client-go's PortForwarder does (an error stream, then a data
 * stream, per connection, sharing a requestID), with a Netty SPDY codec as the client.
 */
class SpdyPortForwardStreamsTest {

  private final EmbeddedChannel client =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final List<Object> fromServer = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private final SpdyPortForwardStreams streams =
      new SpdyPortForwardStreams(
          new SpdyPortForwardStreams.Output() {
            @Override
            public void toClient(Buffer bytes) {
              client.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
              Object frame;
              while ((frame = client.readInbound()) != null) {
                if (frame instanceof SpdyDataFrame data) {
                  fromServer.add(new Data(data.streamId(), text(data.content()), data.isLast()));
                  data.release();
                } else {
                  fromServer.add(frame);
                }
              }
            }

            @Override
            public void opened(String requestId, int port) {
              events.add("opened " + requestId + " " + port);
            }

            @Override
            public void fromClient(String requestId, Buffer data) {
              events.add("data " + requestId + " " + data);
            }

            @Override
            public void reset(String requestId) {
              events.add("reset " + requestId);
            }

            @Override
            public void clientGone(String why) {
              events.add("gone");
            }
          });

  private record Data(int streamId, String text, boolean last) {}

  @AfterEach
  void release() {
    streams.release();
    client.finishAndReleaseAll();
  }

  @Test
  void aPairOpensOnceBothStreamsAreThereAndCarriesDataBothWays() {
    open(1, "error", "8080", "0");
    assertThat(events).isEmpty();
    open(3, "data", "8080", "0");
    assertThat(events).containsExactly("opened 0 8080");
    assertThat(fromServer)
        .filteredOn(f -> f instanceof SpdySynReplyFrame)
        .extracting(f -> ((SpdySynReplyFrame) f).streamId())
        .containsExactly(1, 3);
    fromServer.clear();

    send(data(1, "", true)); // kubectl closes its side of the error stream at once
    send(data(3, "GET /", false));
    streams.data("0", Buffer.buffer("200 OK"));
    streams.finish("0");

    assertThat(events).containsExactly("opened 0 8080", "data 0 GET /");
    assertThat(fromServer)
        .containsExactly(
            new Data(3, "200 OK", false), new Data(3, "", true), new Data(1, "", true));
    assertThat(streams.openPairs()).isZero();
  }

  @Test
  void concurrentPairsAreKeptApartByRequestId() {
    open(1, "error", "80", "0");
    open(3, "error", "80", "1");
    open(5, "data", "80", "1");
    open(7, "data", "80", "0");
    fromServer.clear();

    streams.error("1", "error forwarding port 80 to pod x, uid : connection refused");
    streams.finish("1");
    streams.data("0", Buffer.buffer("still here"));

    assertThat(events).containsExactly("opened 1 80", "opened 0 80");
    assertThat(fromServer)
        .containsExactly(
            new Data(3, "error forwarding port 80 to pod x, uid : connection refused", false),
            new Data(5, "", true),
            new Data(3, "", true),
            new Data(7, "still here", false));
    assertThat(streams.openPairs()).isEqualTo(1);
  }

  @Test
  void aResetDropsThePairAndLaterResetsOfFinishedPairsAreIgnored() {
    open(1, "error", "80", "0");
    open(3, "data", "80", "0");
    send(new DefaultSpdyRstStreamFrame(3, SpdyStreamStatus.CANCEL));
    assertThat(events).containsExactly("opened 0 80", "reset 0");

    open(5, "error", "80", "1");
    open(7, "data", "80", "1");
    streams.finish("1");
    send(new DefaultSpdyRstStreamFrame(7, SpdyStreamStatus.CANCEL)); // kubectl's Reset after EOF
    assertThat(events).containsExactly("opened 0 80", "reset 0", "opened 1 80");
  }

  @Test
  void streamsWithoutAValidPortOrTypeAreRefused() {
    open(1, "error", null, "0");
    open(3, "data", "0", "0");
    open(5, "stdin", "80", "0");
    open(7, "data", "99999", "0");

    assertThat(events).isEmpty();
    assertThat(fromServer)
        .filteredOn(f -> f instanceof SpdyRstStreamFrame)
        .extracting(f -> ((SpdyRstStreamFrame) f).streamId())
        .containsExactly(1, 3, 5, 7);
  }

  @Test
  void clientsWithoutRequestIdsPairConsecutiveStreams() {
    open(1, "error", "80", null);
    open(3, "data", "80", null);
    assertThat(events).containsExactly("opened 1 80");
  }

  @Test
  void pingsAreEchoedAndGoAwayEndsTheSession() {
    send(new DefaultSpdyPingFrame(7));
    assertThat(fromServer)
        .filteredOn(f -> f instanceof SpdyPingFrame)
        .extracting(f -> ((SpdyPingFrame) f).id())
        .containsExactly(7);

    send(new DefaultSpdyGoAwayFrame(0));
    assertThat(events).containsExactly("gone");
  }

  private void open(int id, String type, String port, String requestId) {
    DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    syn.headers().set("streamtype", type);
    if (port != null) {
      syn.headers().set("port", port);
    }
    if (requestId != null) {
      syn.headers().set("requestid", requestId);
    }
    send(syn);
  }

  private static SpdyDataFrame data(int id, String text, boolean last) {
    DefaultSpdyDataFrame frame =
        new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    frame.setLast(last);
    return frame;
  }

  private void send(SpdyFrame frame) {
    client.writeOutbound(frame);
    ByteBuf bytes;
    Buffer all = Buffer.buffer();
    while ((bytes = client.readOutbound()) != null) {
      all.appendBytes(ByteBufUtil.getBytes(bytes));
      bytes.release();
    }
    streams.fromClient(all);
  }

  private static String text(ByteBuf content) {
    return content.toString(StandardCharsets.UTF_8);
  }
}
