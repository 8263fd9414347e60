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
  void anArchiveThisJvmMapsIsMappedByTheChildTooAndNoneIsWritten() throws Exception {
    Path archive = Files.writeString(dir.resolve("kvx.jsa"), "archive");
    List<String> parent =
        List.of(
            "-XX:+UseSerialGC",
            "-XX:SharedArchiveFile=" + archive,
            "-Xlog:cds=off",
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0");
    List<String> cmd =
        ClusterJvm.command("Main", List.of(), dir.resolve("dump.jsa"), "a.jar", parent);
    if (CDS) {
      assertThat(cmd)
          .containsOnlyOnce("-XX:SharedArchiveFile=" + archive)
          .noneMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
    }
    // The cluster process relocates it, as the JVM does by default: in place, it ran slower.
    assertThat(cmd).contains("-XX:+UseSerialGC", ClusterJvm.C1_ONLY)
        .noneMatch(a -> a.startsWith("-XX:ArchiveRelocationMode"));
    // An archive that is gone is no reason to fail: the child then looks for one as without it.
    Files.delete(archive);
    assertThat(ClusterJvm.command("Main", List.of(), null, "a.jar", parent))
        .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
  }

  @Test
  void optionsAlreadyChoosingTheCompilerAreKeptAndADebuggerIsNot() {
    List<String> cmd =
        ClusterJvm.command(
            "Main",
            List.of(),
            null,
            "a.jar",
            List.of("-XX:TieredStopAtLevel=4", "-agentlib:jdwp=transport=dt_socket"));
    assertThat(cmd)
        .contains("-XX:TieredStopAtLevel=4")
        .doesNotContain(ClusterJvm.C1_ONLY)
        .noneMatch(a -> a.startsWith("-agentlib:jdwp"));
  }

  @Test
  void hugePagesAreAskedForWhereLinuxGivesThemOnRequestOnly() throws Exception {
    Path enabled = dir.resolve("enabled");
    Files.writeString(enabled, "always [madvise] never\n");
    assertThat(ClusterJvm.hugePagesOnRequest(enabled)).isTrue();
    Files.writeString(enabled, "[always] madvise never\n");
    assertThat(ClusterJvm.hugePagesOnRequest(enabled)).isFalse();
    Files.writeString(enabled, "always madvise [never]\n");
    assertThat(ClusterJvm.hugePagesOnRequest(enabled)).isFalse();
    assertThat(ClusterJvm.hugePagesOnRequest(dir.resolve("missing"))).isFalse();
    // The child asks for them exactly when this machine gives them on request, unless told.
    assertThat(ClusterJvm.command("Main", List.of(), null, "a.jar", List.of()).contains(ClusterJvm.HUGE_PAGES))
        .isEqualTo(ClusterJvm.hugePagesOnRequest(ClusterJvm.TRANSPARENT_HUGE_PAGES));
    assertThat(ClusterJvm.command("Main", List.of(), null, "a.jar", List.of("-XX:-UseTransparentHugePages")))
        .doesNotContain(ClusterJvm.HUGE_PAGES);
  }

  @Test
  void inMemoryKeystoresSkipThePbkdf2IterationsUnlessTheOptionsSetThem() {
    assertThat(ClusterJvm.command("Main", List.of(), null, "a.jar", List.of()))
        .containsOnlyOnce(ClusterJvm.TRANSIENT_KEYSTORES);
    assertThat(
            ClusterJvm.command(
                "Main", List.of(), null, "a.jar",
                List.of("-Dkeystore.pkcs12.keyPbeIterationCount=20000")))
        .contains("-Dkeystore.pkcs12.keyPbeIterationCount=20000")
        .doesNotContain(ClusterJvm.TRANSIENT_KEYSTORES);
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
