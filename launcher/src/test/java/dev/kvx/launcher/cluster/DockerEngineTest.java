package dev.kvx.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerEngineTest {

  @TempDir Path dir;

  @Test
  void aMissingEngineIsReportedWithItsAddress() {
    String host = "unix://" + dir.resolve("docker.sock");
    assertThat(DockerEngine.reachable(host)).isFalse();
    assertThat(DockerEngine.problem(host, LocalCluster.DEFAULT_SANDBOX_IMAGE))
        .hasValueSatisfying(p -> assertThat(p).startsWith("no Docker engine answers at " + host));
  }

  @Test
  void theLocalEngineHasTheSandboxImageButNotAMadeUpOne() {
    if (!DockerEngine.reachable(null)) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("Docker is missing and CI=true: install it (see .ci/run)");
      }
      Assumptions.abort("Docker is missing: skipped outside CI");
    }
    assertThat(DockerEngine.problem(null, LocalCluster.DEFAULT_SANDBOX_IMAGE)).isEmpty();
    assertThat(DockerEngine.problem(null, "kvx/no-such-image:0"))
        .hasValueSatisfying(p -> assertThat(p).contains("kvx/no-such-image:0 is not in the Docker engine"));
  }
}
