package dev.kvx.launcher.up;

import dev.kvx.launcher.Foreground;
import dev.kvx.launcher.cluster.DockerEngine;
import dev.kvx.launcher.cluster.LocalCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileLock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The action of {@code kvx up --foreground}, which is also what the background process of {@code
 * kvx up} runs: lock the data dir, start a {@link LocalCluster} on it, print each start-up step,
 * record {@code cluster.json} once every node is Ready, and run until SIGINT/SIGTERM, which stops
 * the components gracefully (pod containers keep running for the next start to adopt).
 */
public final class RunCluster {

  private static final Logger LOG = LoggerFactory.getLogger(RunCluster.class);

  private final ClusterSettings settings;
  private final PrintStream out;

  public RunCluster(ClusterSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** Blocks until the JVM shuts down; returns 1 at once if the cluster cannot start. */
  public int run() {
    ClusterFiles files = new ClusterFiles(settings.dataDir());
    Optional<FileLock> lock;
    try {
      lock = files.lockForThisProcess();
    } catch (IOException e) {
      LOG.error("cannot lock the data dir {}: {}", settings.dataDir(), e.toString());
      return 1;
    }
    if (lock.isEmpty()) {
      LOG.error(
          "a kvx cluster already runs on {} (pid {}); stop it with kvx down",
          settings.dataDir(),
          files.runningPid().orElse(-1));
      return 1;
    }
    long started = System.nanoTime();
    progress(
        String.format(
            "starting %d node(s) on the %s runtime in %s",
            settings.nodes(), settings.runtimeName(), settings.dataDir()));
    LocalCluster.Builder builder = settings.clusterBuilder().progress(this::progress);
    return new Foreground<LocalCluster>(
            "kvx cluster", v -> builder.start(v).onFailure(this::failed), LocalCluster::stop)
        .run(cluster -> recordReady(files, cluster, (System.nanoTime() - started) / 1_000_000));
  }

  // The line before the state: kvx up returns as soon as the state shows, with the lines before it.
  private void recordReady(ClusterFiles files, LocalCluster cluster, long readyMillis) {
    progress("ready: API server " + cluster.apiUrl() + ", kubeconfig " + cluster.kubeconfig());
    try {
      files.writeState(
          new ClusterState(
              ProcessHandle.current().pid(),
              cluster.apiUrl(),
              cluster.apiPort(),
              cluster.nodeNames(),
              settings.runtimeName(),
              settings.etcdServers(),
              cluster.kubeconfig().toString(),
              readyMillis,
              ProcessHandle.current()
                  .info()
                  .totalCpuDuration()
                  .map(java.time.Duration::toMillis)
                  .orElse(-1L),
              settings.schedulerPort(),
              settings.controllerManagerPort()));
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}", files.state(), e.toString());
    }
  }

  // What the user can fix (no Docker engine, no sandbox image) goes to kvx up as error lines.
  private void failed(Throwable e) {
    if (e instanceof DockerEngine.ProblemException p) {
      out.println(ClusterFiles.ERROR_PREFIX + p.problem().message());
      out.println(ClusterFiles.ERROR_PREFIX + p.problem().hint());
      out.flush();
    }
  }

  private void progress(String message) {
    out.println(ClusterFiles.PROGRESS_PREFIX + message);
    out.flush();
  }
}
