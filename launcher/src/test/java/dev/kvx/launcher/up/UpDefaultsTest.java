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
          "simulated", List.of("http://127.0.0.1:2379"), "/tmp/kvx-data/kubeconfig", 900, 1800);

  @Test
  void aFirstStartTakesTheDefaultsAndDockerWhenAnEngineAnswers() {
    ClusterSettings s = UpDefaults.resolve(DIR, null, null, null, null, null, Optional.empty(), () -> true);
    assertThat(s).isEqualTo(new ClusterSettings(DIR, 1, Runtime.DOCKER, List.of(), 6443, "kvx-node"));
  }

  @Test
  void withoutDockerAndWithoutARuntimeFlagItSaysToUseTheSimulatedRuntime() {
    assertThatThrownBy(
            () -> UpDefaults.resolve(DIR, null, null, null, null, null, Optional.empty(), () -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--runtime=simulated");
    assertThat(
            UpDefaults.resolve(DIR, null, Runtime.SIMULATED, null, null, null, Optional.empty(), () -> false)
                .runtime())
        .isEqualTo(Runtime.SIMULATED);
  }

  @Test
  void aRestartBringsBackTheLastSettingsUnlessFlagsOverrideThem() {
    ClusterSettings again = UpDefaults.resolve(DIR, null, null, null, null, null, Optional.of(LAST), () -> false);
    assertThat(again)
        .isEqualTo(
            new ClusterSettings(
                DIR, 3, Runtime.SIMULATED, List.of("http://127.0.0.1:2379"), 7443, "kvx-node"));
    ClusterSettings changed =
        UpDefaults.resolve(DIR, 5, Runtime.DOCKER, List.of(), 8443, "bench", Optional.of(LAST), () -> true);
    assertThat(changed.nodes()).isEqualTo(5);
    assertThat(changed.runtime()).isEqualTo(Runtime.DOCKER);
    assertThat(changed.port()).isEqualTo(8443);
    assertThat(changed.nodeNamePrefix()).isEqualTo("bench");
  }

  @Test
  void theBackgroundProcessGetsEverySettingAsAFlag() {
    ClusterSettings s = new ClusterSettings(DIR, 2, Runtime.SIMULATED, List.of("http://e:2379"), 0, "n");
    assertThat(s.foregroundArgs())
        .containsExactly(
            "up", "--foreground", "--data-dir=/tmp/kvx-data", "--nodes=2", "--runtime=simulated",
            "--port=0", "--node-name-prefix=n", "--etcd-servers=http://e:2379");
  }

  @Test
  void rejectsImpossibleValues() {
    assertThatThrownBy(() -> UpDefaults.resolve(DIR, 0, Runtime.SIMULATED, null, null, null, Optional.empty(), () -> true))
        .hasMessageContaining("--nodes");
    assertThatThrownBy(() -> UpDefaults.resolve(DIR, 1, Runtime.SIMULATED, null, 70000, null, Optional.empty(), () -> true))
        .hasMessageContaining("--port");
  }
}
