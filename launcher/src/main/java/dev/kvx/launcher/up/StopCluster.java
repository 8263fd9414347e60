package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.DockerEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The action of {@code kvx down}: SIGTERM to the cluster process (its shutdown hook stops every
 * component gracefully; pod containers keep running for the next {@code kvx up} to adopt), a
 * forced kill only after {@link #GRACE} (longer while the JVM writes its class-data archive); with
 * {@code --purge}, also the cluster's containers and the whole data dir.
 */
public final class StopCluster {

  static final Duration GRACE = Duration.ofSeconds(45);
  static final Duration ARCHIVE_GRACE = Duration.ofSeconds(90);
  static final Duration EXIT_POLL = Duration.ofMillis(20);

  private final ClusterFiles files;
  private final boolean purge;
  private final PrintStream out;
  private final PrintStream err;

  public StopCluster(Path dataDir, boolean purge, PrintStream out, PrintStream err) {
    this.files = new ClusterFiles(dataDir);
    this.purge = purge;
    this.out = out;
    this.err = err;
  }

  public int run() throws IOException, InterruptedException {
    OptionalLong pid = files.runningPid();
    if (pid.isEmpty()) {
      out.println("kvx is not running on " + files.dataDir());
    } else if (!stop(pid.getAsLong())) {
      return 1;
    }
    if (purge) {
      return purge();
    }
    return 0;
  }

  private boolean stop(long pid) throws InterruptedException {
    Optional<ProcessHandle> process = pid > 0 ? ProcessHandle.of(pid) : Optional.empty();
    if (process.isEmpty()) {
      err.println("kvx down: the cluster's lock is held but its pid is unknown (" + files.pid() + ")");
      return false;
    }
    out.printf("Stopping kvx (pid %d) ...%n", pid);
    out.flush();
    long t0 = System.nanoTime();
    ProcessHandle p = process.get();
    p.destroy(); // SIGTERM: the shutdown hook stops the components
    boolean clean = awaitExit(p, GRACE);
    if (!clean && Files.exists(ClusterJvm.pendingArchive(files.dataDir()))) {
      // The components are stopped and the JVM is writing its class-data archive: on a busy
      // machine that takes a while, and killing it would waste it.
      out.println("Writing the class-data archive for faster starts ...");
      out.flush();
      clean = awaitExit(p, ARCHIVE_GRACE);
    }
    if (!clean) {
      err.printf("kvx down: still running after %d s; killing it%n", GRACE.toSeconds());
      p.destroyForcibly();
      if (!awaitExit(p, Duration.ofSeconds(10))) {
        err.println("kvx down: pid " + pid + " did not exit");
        return false;
      }
    }
    ClusterJvm.settlePendingArchive(files.dataDir(), clean);
    out.printf("kvx stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return true;
  }

  /**
   * Whether {@code p} exited within {@code timeout}. Polls: for a process that is not its child the
   * JDK's {@code onExit} checks every 300 ms and more, which was a fifth of a typical kvx down.
   */
  static boolean awaitExit(ProcessHandle p, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (p.isAlive()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(EXIT_POLL.toMillis());
    }
    return true;
  }

  private int purge() throws IOException {
    Path dir = files.dataDir();
    if (!Files.exists(dir)) {
      return 0;
    }
    if (!files.looksLikeCluster()) {
      err.println("kvx down: " + dir + " does not look like a kvx data dir; not deleting it");
      return 1;
    }
    List<String> nodes = files.readState().map(ClusterState::nodes).orElse(List.of());
    boolean docker =
        files.readState().map(s -> "docker".equals(s.runtime())).orElse(false);
    if (docker && !nodes.isEmpty() && DockerEngine.reachable(null)) {
      int removed = DockerEngine.removeNodeContainers(null, nodes);
      out.printf("Removed %d container(s) of node(s) %s%n", removed, String.join(",", nodes));
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    out.println("Deleted " + dir);
    return 0;
  }
}
