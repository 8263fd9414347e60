package dev.kvx.launcher.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvx up} and {@code kvx down} as a user runs them, each its own JVM: up returns once the
 * background cluster process (started through {@link ClusterProcess}, not the command tree) has
 * recorded that the node is Ready, after echoing its progress; down stops it.
 */
class KvxUpProcessTest {

  @TempDir Path dataDir;
  private long clusterPid = -1;

  @AfterEach
  void killLeftover() {
    ProcessHandle.of(clusterPid).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test
  void upReturnsOnceTheNodeIsReadyAndDownStopsTheClusterProcess() throws Exception {
    String up =
        kvx("up", "--runtime=simulated", "--port=0", "--scheduler-port=0",
            "--controller-manager-port=0", "--data-dir=" + dataDir);
    ClusterState state = new ClusterFiles(dataDir).readState().orElseThrow();
    clusterPid = state.pid();
    assertThat(ProcessHandle.of(clusterPid)).as("the cluster process runs").isPresent();
    List<String> cmdline =
        List.of(Files.readString(Path.of("/proc/" + clusterPid + "/cmdline")).split("\0"));
    assertThat(cmdline.subList(cmdline.indexOf(ClusterProcess.class.getName()) + 1, cmdline.size()))
        .containsSubsequence("up", "--foreground", "--data-dir=" + dataDir, "--nodes=1",
            "--runtime=simulated", "--port=0");
    // Progress lines as the cluster process wrote them, the last one before the summary.
    assertThat(up.lines().toList())
        .containsSubsequence(
            "Starting kvx: 1 node(s) on the simulated runtime, API server port 0, data dir " + dataDir)
        .anySatisfy(l -> assertThat(l).matches(" +[0-9.]+s  API server listening on https://.*"))
        .anySatisfy(l -> assertThat(l).matches(" +[0-9.]+s  node kvx-node-1 Ready"));
    List<String> lines = up.lines().toList();
    int summary = indexOf(lines, "kvx is up in ");
    assertThat(summary).isPositive();
    assertThat(lines.get(summary - 1)).contains("ready: API server " + state.apiServer());
    assertThat(lines.get(summary)).endsWith("1 node(s) Ready on the simulated runtime (pid " + clusterPid + ")");

    assertThat(kvx("down", "--data-dir=" + dataDir)).contains("kvx stopped in");
    assertThat(ProcessHandle.of(clusterPid)).as("the cluster process exited").isEmpty();
  }

  @Test
  void upOnDockerWithoutAnEngineSaysWhatToFixAndFails() throws Exception {
    Path socket = dataDir.resolve("no-engine.sock");
    Run up =
        run(Map.of("DOCKER_HOST", "unix://" + socket),
            "up", "--runtime=docker", "--port=0", "--scheduler-port=0",
            "--controller-manager-port=0", "--data-dir=" + dataDir);
    assertThat(up.exitCode()).as(up.output()).isEqualTo(1);
    // The cluster process found out; kvx up says what to fix instead of showing the log's end.
    assertThat(up.output().lines().toList())
        .anySatisfy(
            l -> assertThat(l).startsWith("kvx up: no Docker engine answers at unix://" + socket))
        .contains("kvx up: Start a Docker engine (on Debian `sudo .ci/setup` installs and starts"
            + " one) or use --runtime=simulated")
        .noneMatch(l -> l.contains("the cluster process exited"));
    assertThat(new ClusterFiles(dataDir).readState()).as("no cluster recorded").isEmpty();
  }

  private static int indexOf(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  // One kvx command in its own JVM, as the ./kvx script runs it; its output once it exited 0.
  private String kvx(String... args) throws Exception {
    Run r = run(Map.of(), args);
    assertThat(r.exitCode()).as("kvx %s: %s", List.of(args), r.output()).isZero();
    return r.output();
  }

  private record Run(int exitCode, String output) {}

  private Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        classPath(),
        "dev.kvx.launcher.Kvx"));
    command.addAll(List.of(args));
    Path output = Files.createTempFile(dataDir.getParent(), "kvx-", ".out");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    // No class-data archive: writing one at exit would only slow the test down.
    pb.environment().put("KVX_CDS", "off");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("kvx %s finished", List.of(args)).isTrue();
      return new Run(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }

  // Surefire runs tests from a manifest-only jar; it passes the real class path in this property.
  private static String classPath() {
    String path = System.getProperty("surefire.test.class.path");
    return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
  }
}
