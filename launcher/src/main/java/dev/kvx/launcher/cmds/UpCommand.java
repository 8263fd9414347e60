package dev.kvx.launcher.cmds;

import dev.kvx.launcher.cluster.DockerEngine;
import dev.kvx.launcher.cluster.LocalCluster;
import dev.kvx.launcher.up.ClusterFiles;
import dev.kvx.launcher.up.ClusterSettings;
import dev.kvx.launcher.up.RunCluster;
import dev.kvx.launcher.up.StartInBackground;
import dev.kvx.launcher.up.UpDefaults;
import dev.kvx.launcher.up.UpFlags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kvx up}: flags only; the actions are {@link StartInBackground} (the default) and {@link
 * RunCluster} ({@code --foreground}, also what the background process runs).
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start a cluster in the background and wait until every node is Ready.",
      "It runs the API server, scheduler, controller-manager and N kubelet-agents in one JVM.",
      "Flags not given come from the last start on the data dir: kvx up after kvx down brings the"
          + " same cluster back."
    })
public final class UpCommand implements Callable<Integer> {

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Nodes (kubelet-agents kvx-node-1..N) (default: the last start's, else 1).")
  Integer nodes;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description =
          "docker (pods as containers of the local Docker engine) or simulated (no containers)"
              + " (default: the last start's, else docker when an engine answers).")
  LocalCluster.Runtime runtime;

  @Option(
      names = "--etcd-servers",
      split = ",",
      paramLabel = "URL",
      description = "etcd client URLs, comma-separated (default: the embedded store in the data dir).")
  List<String> etcdServers;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The API server's HTTPS port; 0 picks a free one (default: the last start's, else 6443).")
  Integer port;

  @Option(
      names = "--node-name-prefix",
      paramLabel = "NAME",
      description =
          "Nodes are named NAME-1..N (default: the last start's, else kvx-node). Docker clusters"
              + " sharing one engine need different names.")
  String nodeNamePrefix;

  @Option(
      names = "--scheduler-port",
      paramLabel = "N",
      description =
          "The scheduler's /healthz and /metrics port; 0 picks a free one (default: the last"
              + " start's, else 10259).")
  Integer schedulerPort;

  @Option(
      names = "--controller-manager-port",
      paramLabel = "N",
      description =
          "The controller manager's /healthz and /metrics port; 0 picks a free one (default: the"
              + " last start's, else 10257).")
  Integer controllerManagerPort;

  @Option(
      names = "--foreground",
      description = "Run in this terminal until Ctrl-C instead of in the background.")
  boolean foreground;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = SchedulerCommand.GoDuration.class,
      description = "How long to wait for every node to be Ready (default: 3m).")
  Duration wait = Duration.ofMinutes(3);

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.dataDir();
    ClusterFiles files = new ClusterFiles(dir);
    OptionalLong running = files.runningPid();
    if (running.isPresent()) {
      System.out.printf(
          "kvx is already running on %s (pid %d); kvx status shows it, %s stops it%n",
          dir, running.getAsLong(), downCommand(dir));
      return 0;
    }
    ClusterSettings settings;
    try {
      settings =
          UpDefaults.resolve(
              dir,
              new UpFlags(
                  nodes,
                  runtime,
                  etcdServers == null
                      ? null
                      : etcdServers.stream().map(String::strip).filter(s -> !s.isEmpty()).toList(),
                  port,
                  nodeNamePrefix,
                  schedulerPort,
                  controllerManagerPort),
              files.readState(),
              () -> DockerEngine.reachable(null));
    } catch (IllegalArgumentException e) {
      System.err.println("kvx up: " + e.getMessage());
      return 1;
    }
    if (foreground) {
      return new RunCluster(settings, System.out).run();
    }
    System.out.printf(
        "Starting kvx: %d node(s) on the %s runtime, API server port %d, data dir %s%n",
        settings.nodes(), settings.runtimeName(), settings.port(), dir);
    return new StartInBackground(settings, downCommand(dir), wait, System.out, System.err).run();
  }

  private static String downCommand(Path dir) {
    return dir.equals(new DataDirOption().dataDir()) ? "kvx down" : "kvx down --data-dir=" + dir;
  }
}
