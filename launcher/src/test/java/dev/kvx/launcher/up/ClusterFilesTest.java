package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterFilesTest {

  @TempDir Path dir;

  @Test
  void noClusterRunsOnAnEmptyOrUnlockedDataDir() throws Exception {
    ClusterFiles files = new ClusterFiles(dir);
    assertThat(files.runningPid()).isEmpty();
    assertThat(files.looksLikeCluster()).isFalse();
    Files.writeString(files.lock(), "");
    Files.writeString(files.pid(), "12345\n"); // stale: nobody holds the lock
    assertThat(files.runningPid()).isEmpty();
  }

  @Test
  void theStateRoundTrips() throws Exception {
    ClusterFiles files = new ClusterFiles(dir);
    ClusterState state =
        new ClusterState(7, "https://127.0.0.1:6443", 6443, List.of("kvx-node-1"), "docker",
            List.of(), dir.resolve("kubeconfig").toString(), 1234, 2345, 10259, 10257);
    files.writeState(state);
    assertThat(files.readState()).contains(state);
    assertThat(files.looksLikeCluster()).isTrue();
  }
}
