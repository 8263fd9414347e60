package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.launcher.cluster.LocalCluster.Runtime;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpDefaultsTest {

  static final Path DIR = Path.of("/tmp/kvx-data");
  static final ClusterState LAST =
      new ClusterState(
          42, "https://127.0.0.1:7443", 7443, List.of("kvx-node-1", "kvx-node-2", "kvx-node-3"),
          "simulated", List.of("http://127.0.0.1:2379"), "/tmp/kvx-data/kubeconfig", 900, 1800,
          0, 20257);

  static UpFlags flags(Integer nodes, Runtime runtime, Integer port) {
    return new UpFlags(nodes, runtime, null, port, null, null, null);
  }

  @Test
  void aFirstStartTakesTheUpstreamDefaultsAndDockerWhenAnEngineAnswers() {
    ClusterSettings s = UpDefaults.resolve(DIR, UpFlags.none(), Optional.empty(), () -> true);
    assertThat(s)
        .isEqualTo(
            new ClusterSettings(DIR, 1, Runtime.DOCKER, List.of(), 6443, "kvx-node", 10259, 10257));
  }

  @Test
  void withoutDockerAndWithoutARuntimeFlagItSaysToUseTheSimulatedRuntime() {
    assertThatThrownBy(() -> UpDefaults.resolve(DIR, UpFlags.none(), Optional.empty(), () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--runtime=simulated");
    assertThat(
            UpDefaults.resolve(
                    DIR, flags(null, Runtime.SIMULATED, null), Optional.empty(), () -> false)
                .runtime())
        .isEqualTo(Runtime.SIMULATED);
  }

  @Test
  void aRestartBringsBackTheLastSettingsUnlessFlagsOverrideThem() {
    ClusterSettings again = UpDefaults.resolve(DIR, UpFlags.none(), Optional.of(LAST), () -> false);
    assertThat(again)
        .isEqualTo(
            new ClusterSettings(
                DIR, 3, Runtime.SIMULATED, List.of("http://127.0.0.1:2379"), 7443, "kvx-node", 0,
                20257));
    ClusterSettings changed =
        UpDefaults.resolve(
            DIR,
            new UpFlags(5, Runtime.DOCKER, List.of(), 8443, "bench", 30259, 0),
            Optional.of(LAST),
            () -> true);
    assertThat(changed)
        .isEqualTo(
            new ClusterSettings(
                DIR, 5, Runtime.DOCKER, List.of("http://127.0.0.1:2379"), 8443, "bench", 30259, 0));
  }

  @Test
  void theBackgroundProcessGetsEverySettingAsAFlag() {
    ClusterSettings s =
        new ClusterSettings(DIR, 2, Runtime.SIMULATED, List.of("http://e:2379"), 0, "n", 1, 2);
    assertThat(s.foregroundArgs())
        .containsExactly(
            "up", "--foreground", "--data-dir=/tmp/kvx-data", "--nodes=2", "--runtime=simulated",
            "--port=0", "--node-name-prefix=n", "--scheduler-port=1", "--controller-manager-port=2",
            "--etcd-servers=http://e:2379");
  }

  @Test
  void rejectsImpossibleValues() {
    assertThatThrownBy(
            () -> UpDefaults.resolve(DIR, flags(0, Runtime.SIMULATED, null), Optional.empty(), () -> true))
        .hasMessageContaining("--nodes");
    assertThatThrownBy(
            () -> UpDefaults.resolve(DIR, flags(1, Runtime.SIMULATED, 70000), Optional.empty(), () -> true))
        .hasMessageContaining("--port");
  }
}
