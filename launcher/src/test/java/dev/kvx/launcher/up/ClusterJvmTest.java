package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterJvmTest {

  @TempDir Path dir;

  @Test
  void runsTheLauncherOnThisClassPathWithC1AndAnArchiveToWriteOrMap() {
    Path dump = dir.resolve("kvx.jsa.tmp");
    List<String> cmd = ClusterJvm.command(List.of("up", "--foreground"), dump, "a.jar:b.jar");
    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd).contains(ClusterJvm.C1_ONLY);
    assertThat(cmd)
        .containsSubsequence(
            "-cp",
            Path.of("a.jar").toAbsolutePath() + ":" + Path.of("b.jar").toAbsolutePath(),
            "dev.kvx.launcher.Kvx",
            "up",
            "--foreground");
    // No archive exists for this made-up class path: the JVM is told to write one at exit.
    if (!"off".equalsIgnoreCase(System.getenv("KVX_CDS"))) {
      assertThat(cmd).contains("-XX:ArchiveClassesAtExit=" + dump);
    }
    assertThat(ClusterJvm.command(List.of("status"), null, "a.jar"))
        .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
  }

  @Test
  void theArchiveNameFollowsTheClassPathFiles() throws Exception {
    Path jar = Files.writeString(dir.resolve("x.jar"), "one");
    String first = ClusterJvm.archiveName(jar.toString());
    assertThat(ClusterJvm.archiveName(jar.toString())).isEqualTo(first).matches("kvx-[0-9a-f]{16}\\.jsa");
    Files.writeString(jar, "rebuilt");
    assertThat(ClusterJvm.archiveName(jar.toString())).isNotEqualTo(first);
  }

  @Test
  void aKilledClusterProcessLeavesNoHalfWrittenArchive() throws Exception {
    Path pending = ClusterJvm.pendingArchive(dir);
    Files.writeString(pending, "partial");
    ClusterJvm.settlePendingArchive(dir, false);
    assertThat(pending).doesNotExist();
  }
}
