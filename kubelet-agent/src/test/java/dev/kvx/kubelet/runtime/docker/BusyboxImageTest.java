package dev.kvx.kubelet.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.kvx.kubelet.DockerSupport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kvx/busybox built by docker-java from the host's static busybox. Builds go under a random tag:
 * the real kvx/busybox:latest is used by tests running beside this one and is never touched.
 */
class BusyboxImageTest {
  @TempDir Path dir;

  @Test
  void buildsAnImageThatRunsTheShellAndHasTheApplets() throws Exception {
    Path busybox = requireStaticBusybox();
    String tag = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerClient docker = DockerSupport.requireDocker()) {
      try {
        // No cache: every step of the Dockerfile runs, as on a fresh engine.
        BusyboxImage.Built built = BusyboxImage.build(docker, tag, busybox, true);

        assertThat(built.tag()).isEqualTo(tag);
        assertThat(built.busybox()).isEqualTo(busybox);
        assertThat(built.summary())
            .matches("built " + tag + " from " + busybox + " in \\d+\\.\\d s");
        assertThat(docker.inspectImageCmd(tag).exec().getId()).isEqualTo(built.imageId());
        // The applets the example manifests run are links to busybox, found on PATH.
        assertThat(run(docker, tag, "echo ok; which httpd wget; readlink /bin/httpd"))
            .isEqualTo("ok\n/bin/httpd\n/bin/wget\n/bin/busybox\n");
        // kubectl cp unpacks into /tmp: there, world-writable and sticky.
        assertThat(run(docker, tag, "stat -c %a /tmp; ls -d /home /root"))
            .isEqualTo("1777\n/home\n/root\n");
        // The image says which Dockerfile built it, and ensure builds nothing now.
        assertThat(docker.inspectImageCmd(tag).exec().getConfig().getLabels())
            .containsEntry(BusyboxImage.DOCKERFILE_LABEL, BusyboxImage.dockerfileSha256());
        assertThat(BusyboxImage.ensure(docker, tag)).isEmpty();
      } finally {
        untag(docker, tag);
      }
    }
  }

  @Test
  void ensureBuildsAMissingImage() throws Exception {
    requireStaticBusybox();
    String tag = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerClient docker = DockerSupport.requireDocker()) {
      try {
        Optional<BusyboxImage.Built> built = BusyboxImage.ensure(docker, tag);

        assertThat(built).hasValueSatisfying(b -> assertThat(b.tag()).isEqualTo(tag));
        assertThat(run(docker, tag, "echo ok")).isEqualTo("ok\n");
      } finally {
        untag(docker, tag);
      }
    }
  }

  @Test
  void ensureRebuildsAnImageBuiltFromAnotherDockerfile() throws Exception {
    requireStaticBusybox();
    String current = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    String old = "kvx-test/busybox:" + UUID.randomUUID().toString().substring(0, 8);
    try (DockerClient docker = DockerSupport.requireDocker()) {
      String container = null;
      try {
        BusyboxImage.ensure(docker, current);
        // The same image as another version of the Dockerfile would have labelled it.
        container = docker.createContainerCmd(current).withCmd("/bin/true").exec().getId();
        String[] repoTag = old.split(":");
        docker
            .commitCmd(container)
            .withRepository(repoTag[0])
            .withTag(repoTag[1])
            .withLabels(Map.of(BusyboxImage.DOCKERFILE_LABEL, "0".repeat(64)))
            .exec();

        assertThat(BusyboxImage.ensure(docker, old)).isPresent();
        assertThat(docker.inspectImageCmd(old).exec().getConfig().getLabels())
            .containsEntry(BusyboxImage.DOCKERFILE_LABEL, BusyboxImage.dockerfileSha256());
      } finally {
        if (container != null) {
          docker.removeContainerCmd(container).withForce(true).exec();
        }
        untag(docker, old);
        untag(docker, current);
      }
    }
  }

  @Test
  void refusesADynamicallyLinkedBinary() {
    assertThatThrownBy(() -> BusyboxImage.requireStatic(Path.of("/bin/ls")))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("/bin/ls is dynamically linked")
        .hasMessageContaining("apt-get install busybox-static");
  }

  @Test
  void refusesAFileThatIsNoExecutable() throws IOException {
    Path script =
        Files.writeString(dir.resolve("busybox"), "#!/bin/sh\nexec /bin/busybox \"$@\"\n");

    assertThatThrownBy(() -> BusyboxImage.requireStatic(script))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("is not an ELF executable")
        .hasMessageContaining("apt-get install busybox-static");
  }

  @Test
  void locatesTheOverrideElseTheFirstExistingLocation() throws IOException {
    Path first = dir.resolve("bin/busybox");
    Path second = Files.createDirectories(dir.resolve("usr/bin")).resolve("busybox");
    Path override = Files.createFile(dir.resolve("my-busybox"));
    Files.createFile(second);

    assertThat(BusyboxImage.locate(null, List.of(first, second))).isEqualTo(second);
    assertThat(BusyboxImage.locate("", List.of(first, second))).isEqualTo(second);
    assertThat(BusyboxImage.locate(override.toString(), List.of(first, second)))
        .isEqualTo(override);
  }

  @Test
  void namesThePackageWhenNoBusyboxIsThere() {
    Path missing = dir.resolve("bin/busybox");

    assertThatThrownBy(() -> BusyboxImage.locate(null, List.of(missing)))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("no busybox at " + missing)
        .hasMessageContaining("apt-get install busybox-static");
    assertThatThrownBy(() -> BusyboxImage.locate(missing.toString(), List.of()))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("BUSYBOX=" + missing + " is not a file");
  }

  @Test
  void theBuildContextHoldsTheSharedDockerfileAndAnExecutableBinary() throws IOException {
    Path binary = Files.write(dir.resolve("bb"), new byte[] {1, 2, 3});

    List<String> entries = new ArrayList<>();
    String dockerfile = null;
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(BusyboxImage.buildContext(binary)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        entries.add(
            e.getName() + " " + Integer.toOctalString(e.getMode() & 0777) + " " + e.getSize());
        if (e.getName().equals("Dockerfile")) {
          dockerfile = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }

    assertThat(entries)
        .containsExactly(
            "Dockerfile 644 " + dockerfile.getBytes(StandardCharsets.UTF_8).length,
            "busybox 755 3");
    // The class path copy is manifests/images/busybox/Dockerfile, the one build.sh uses.
    assertThat(dockerfile)
        .isEqualTo(Files.readString(Path.of("../manifests/images/busybox/Dockerfile")));
  }

  /**
   * The host's static busybox; its absence fails the test when {@code CI=true} (CI installs
   * busybox-static) and skips it otherwise, as a missing Docker does.
   */
  private static Path requireStaticBusybox() {
    try {
      Path busybox = BusyboxImage.locate();
      BusyboxImage.requireStatic(busybox);
      return busybox;
    } catch (ImageBuildException e) {
      if ("true".equals(System.getenv("CI"))) {
        fail(e.getMessage());
      }
      assumeTrue(false, e.getMessage());
      throw e;
    }
  }

  /** Runs {@code sh -c script} in a container of {@code image}; returns its output. */
  static String run(DockerClient docker, String image, String script) throws Exception {
    String id = docker.createContainerCmd(image).withCmd("/bin/sh", "-c", script).exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      int code = docker.waitContainerCmd(id).start().awaitStatusCode(60, TimeUnit.SECONDS);
      StringBuilder out = new StringBuilder();
      docker
          .logContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(30, TimeUnit.SECONDS);
      assertThat(code).as("exit code of %s, output %s", script, out).isZero();
      return out.toString();
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /**
   * Removes the test's tag only (no force: an image that also carries other tags, as a cached build
   * sharing kvx/busybox:latest's id does, keeps them).
   */
  static void untag(DockerClient docker, String tag) {
    try {
      docker.removeImageCmd(tag).exec();
    } catch (NotFoundException e) {
      // never built
    }
  }
}
