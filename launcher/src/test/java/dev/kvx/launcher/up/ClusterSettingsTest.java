package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.launcher.cluster.LocalCluster.Runtime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterSettingsTest {

  static Stream<ClusterSettings> settings() {
    return Stream.of(
        new ClusterSettings(
            Path.of("/tmp/kvx data=1"), 1, Runtime.DOCKER, List.of(), 6443, "kvx-node", 10259, 10257),
        new ClusterSettings(
            Path.of("/var/lib/kvx"),
            3,
            Runtime.SIMULATED,
            List.of("http://127.0.0.1:2379", "http://127.0.0.1:22379"),
            0,
            "bench-1a2b3c",
            0,
            0));
  }

  @ParameterizedTest
  @MethodSource("settings")
  void theBackgroundProcessReadsBackWhatTheForegroundWrote(ClusterSettings s) {
    assertThat(ClusterSettings.fromForegroundArgs(s.foregroundArgs())).isEqualTo(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--nodes=two", "--colour=blue", "--port", "stray", "--port=1"})
  void anythingTheForegroundDoesNotWriteIsRefused(String bad) {
    List<String> args = new ArrayList<>(settings().findFirst().orElseThrow().foregroundArgs());
    if (bad.startsWith("--nodes=")) {
      args.removeIf(a -> a.startsWith("--nodes="));
    }
    args.add(bad); // --port=1 repeats a flag
    assertThatThrownBy(() -> ClusterSettings.fromForegroundArgs(args))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--data-dir=", "--runtime=", "--node-name-prefix="})
  void aMissingSettingIsRefused(String prefix) {
    List<String> args = new ArrayList<>(settings().findFirst().orElseThrow().foregroundArgs());
    args.removeIf(a -> a.startsWith(prefix));
    assertThatThrownBy(() -> ClusterSettings.fromForegroundArgs(args))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing " + prefix.substring(0, prefix.length() - 1));
    assertThatThrownBy(() -> ClusterSettings.fromForegroundArgs(args.subList(1, args.size())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
