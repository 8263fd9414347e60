package dev.kvx.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.kvx.kubelet.runtime.docker.BusyboxImage;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import dev.kvx.kubelet.runtime.docker.ImageBuildException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine check of kvx up. A tag of the test's own stands in for kvx/busybox:latest, which the
 * tests beside this one use and which is never removed here.
 */
class DockerEngineTest {
  @TempDir Path dir;

  @Test
  void aMissingBuildableSandboxImageIsBuiltOnceWithAProgressLine() {
    requireDockerAndStaticBusybox();
    String tag = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    List<String> progress = new ArrayList<>();
    try {
      assertThat(DockerEngine.prepare(null, tag, true, progress::add)).isEmpty();
      assertThat(progress)
          .singleElement()
          .asString()
          .matches("built " + tag + " from /\\S*busybox in \\d+\\.\\d s");
      assertThat(DockerEngine.prepare(null, tag, false, progress::add)).isEmpty();

      // Present now: nothing is built again.
      assertThat(DockerEngine.prepare(null, tag, true, progress::add)).isEmpty();
      assertThat(progress).hasSize(1);
    } finally {
      untag(tag);
    }
  }

  @Test
  void anyOtherMissingSandboxImageIsAProblem() {
    requireDocker();
    String tag = "kvx-test/missing:" + UUID.randomUUID().toString().substring(0, 8);
    List<String> progress = new ArrayList<>();

    assertThat(DockerEngine.prepare(null, tag, progress::add))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo(DockerEngine.Problem.Reason.NO_SANDBOX_IMAGE);
              assertThat(p.message())
                  .contains("the sandbox image " + tag + " is not in the Docker engine");
            });
    assertThat(DockerEngine.problem(null, tag)).isPresent();
    assertThat(progress).isEmpty();
  }

  @Test
  void anEngineThatDoesNotAnswerIsAProblem() {
    String host = "unix://" + dir.resolve("docker.sock");

    assertThat(DockerEngine.prepare(host, LocalCluster.DEFAULT_SANDBOX_IMAGE, line -> fail(line)))
        .hasValueSatisfying(
            p -> {
              assertThat(p.reason()).isEqualTo(DockerEngine.Problem.Reason.NO_ENGINE);
              assertThat(p.message()).startsWith("no Docker engine answers at " + host);
            });
  }

  /** The project's rule: a missing Docker fails the test when CI=true, and skips it otherwise. */
  private static void requireDocker() {
    require(DockerEngine.reachable(null) ? null : "no Docker engine answers");
  }

  /** Docker and Debian's busybox-static (which CI installs), under the same rule. */
  private static void requireDockerAndStaticBusybox() {
    requireDocker();
    try {
      BusyboxImage.requireStatic(BusyboxImage.locate());
    } catch (ImageBuildException e) {
      require(e.getMessage());
    }
  }

  private static void require(String problem) {
    if (problem == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(problem + " and CI=true");
    }
    assumeTrue(false, problem + "; skipped outside CI");
  }

  /**
   * Removes the test's tag only: an image it shares with other tags (a cached build) keeps them.
   */
  private static void untag(String tag) {
    try (DockerClient docker = DockerClients.connect(null)) {
      docker.removeImageCmd(tag).exec();
    } catch (NotFoundException e) {
      // never built
    } catch (java.io.IOException e) {
      // closing the client failed: the removal is done
    }
  }
}
