package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.launcher.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterJvmTest {

  static final boolean CDS = !"off".equalsIgnoreCase(System.getenv("KVX_CDS"));

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
    if (CDS) {
      assertThat(cmd).contains("-XX:ArchiveClassesAtExit=" + dump);
    }
    assertThat(ClusterJvm.command(List.of("status"), null, "a.jar"))
        .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
  }

  @Test
  void theBackgroundProcessGetsTheResolvedSettingsWithoutTheCommandTree() {
    ClusterSettings settings =
        new ClusterSettings(
            dir, 2, LocalCluster.Runtime.SIMULATED, List.of(), 0, "kvx-node", 0, 10257);
    List<String> cmd = ClusterJvm.clusterCommand(settings);
    int main = cmd.indexOf(ClusterProcess.class.getName());
    assertThat(main).isPositive();
    assertThat(cmd.subList(main + 1, cmd.size())).isEqualTo(settings.foregroundArgs());
    if (CDS && !Files.exists(ClusterJvm.archive(ClusterJvm.absoluteClassPath(
        System.getProperty("java.class.path"))))) {
      assertThat(cmd).contains("-XX:ArchiveClassesAtExit=" + ClusterJvm.pendingArchive(dir));
    }
  }

  @Test
  void anArchiveThisJvmMapsIsMappedByTheChildAtItsOwnAddressAndNoneIsWritten() throws Exception {
    Path archive = Files.writeString(dir.resolve("kvx.jsa"), "archive");
    List<String> parent =
        List.of("-XX:+UseSerialGC", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off");
    List<String> cmd =
        ClusterJvm.command("Main", List.of(), dir.resolve("dump.jsa"), "a.jar", parent);
    if (CDS) {
      assertThat(cmd)
          .containsOnlyOnce("-XX:SharedArchiveFile=" + archive)
          .containsSubsequence(ClusterJvm.MAP_AT_ARCHIVED_ADDRESS)
          .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
    }
    assertThat(cmd).contains("-XX:+UseSerialGC", ClusterJvm.C1_ONLY);
    // An archive that is gone is no reason to fail: the child then looks for one as without it.
    Files.delete(archive);
    assertThat(ClusterJvm.command("Main", List.of(), null, "a.jar", parent))
        .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
  }

  @Test
  void optionsAlreadyChoosingTheCompilerOrTheRelocationModeAreKept() throws Exception {
    Path archive = Files.writeString(dir.resolve("kvx.jsa"), "archive");
    List<String> cmd =
        ClusterJvm.command(
            "Main",
            List.of(),
            null,
            "a.jar",
            List.of(
                "-XX:TieredStopAtLevel=4",
                "-XX:SharedArchiveFile=" + archive,
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:ArchiveRelocationMode=1",
                "-agentlib:jdwp=transport=dt_socket"));
    assertThat(cmd)
        .doesNotContain(ClusterJvm.C1_ONLY, "-XX:ArchiveRelocationMode=0")
        .contains("-XX:ArchiveRelocationMode=1")
        .noneMatch(a -> a.startsWith("-agentlib:jdwp"));
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
