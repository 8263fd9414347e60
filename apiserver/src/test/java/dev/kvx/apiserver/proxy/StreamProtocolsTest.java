package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamProtocolsTest {

  @Test
  void theClientsOrderWinsAndCommaSeparatedValuesCount() {
    assertThat(
            StreamProtocols.negotiate(
                List.of(
                    "v4.channel.k8s.io",
                    "v3.channel.k8s.io",
                    "v2.channel.k8s.io",
                    "channel.k8s.io"),
                StreamProtocols.SPDY))
        .isEqualTo("v4.channel.k8s.io");
    assertThat(
            StreamProtocols.negotiate(
                List.of("v5.channel.k8s.io, v4.channel.k8s.io"), StreamProtocols.WEBSOCKET))
        .isEqualTo("v5.channel.k8s.io");
    assertThat(StreamProtocols.negotiate(List.of("v4.channel.k8s.io"), StreamProtocols.WEBSOCKET))
        .isEqualTo("v4.channel.k8s.io");
  }

  @Test
  void nothingInCommonIsNull() {
    assertThat(StreamProtocols.negotiate(List.of("v3.channel.k8s.io"), StreamProtocols.SPDY))
        .isNull();
    assertThat(StreamProtocols.negotiate(List.of(), StreamProtocols.SPDY)).isNull();
  }

  @Test
  void execOptionsBecomeTheKubeletsQueryAndTheExpectedSpdyStreams() {
    MultiMap q = MultiMap.caseInsensitiveMultiMap();
    q.add("container", "c").add("command", "sh").add("command", "-c").add("command", "echo a&b");
    q.add("stdin", "true").add("stdout", "true").add("stderr", "true");
    StreamOptions options = StreamOptions.parse(q);
    assertThat(options.kubeletQuery())
        .isEqualTo("stdin=1&stdout=1&stderr=1&command=sh&command=-c&command=echo+a%26b");
    assertThat(options.expectedSpdyStreams())
        .isEqualTo(Set.of("error", "stdin", "stdout", "stderr"));

    q.add("tty", "true");
    assertThat(StreamOptions.parse(q).expectedSpdyStreams())
        .isEqualTo(Set.of("error", "stdin", "stdout", "resize"));
  }
}
