package dev.kvx.launcher.up;

import dev.kvx.controller.ControllerManagerOptions;
import dev.kvx.launcher.cluster.LocalCluster;
import dev.kvx.scheduler.SchedulerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How {@code kvx up} decides what was not given on its command line: first the last start on the
 * same data dir (so {@code kvx up} after {@code kvx down} brings back the same cluster), then the
 * defaults — one node named kvx-node-1, the upstream ports (API server 6443, scheduler 10259,
 * controller manager 10257), the embedded store, and the Docker runtime when an engine answers.
 */
public final class UpDefaults {

  public static final int DEFAULT_PORT = 6443;
  public static final int DEFAULT_NODES = 1;

  private UpDefaults() {}

  /**
   * The settings from the flags and the last start's state.
   *
   * @throws IllegalArgumentException with what to do when no runtime can be chosen, or a value is
   *     impossible
   */
  public static ClusterSettings resolve(
      Path dataDir, UpFlags flags, Optional<ClusterState> last, BooleanSupplier dockerReachable) {
    int n =
        flags.nodes() != null
            ? flags.nodes()
            : last.map(s -> s.nodes().size()).filter(c -> c > 0).orElse(DEFAULT_NODES);
    int p = flags.port() != null ? flags.port() : last.map(ClusterState::port).filter(x -> x > 0).orElse(DEFAULT_PORT);
    int scheduler =
        flags.schedulerPort() != null
            ? flags.schedulerPort()
            : last.map(ClusterState::schedulerPort).orElse(SchedulerOptions.DEFAULT_PORT);
    int manager =
        flags.controllerManagerPort() != null
            ? flags.controllerManagerPort()
            : last.map(ClusterState::controllerManagerPort)
                .orElse(ControllerManagerOptions.DEFAULT_PORT);
    List<String> etcd =
        flags.etcdServers() != null && !flags.etcdServers().isEmpty()
            ? flags.etcdServers()
            : last.map(ClusterState::etcdServers).orElse(List.of());
    String prefix =
        flags.nodeNamePrefix() != null && !flags.nodeNamePrefix().isBlank()
            ? flags.nodeNamePrefix().strip()
            : last.flatMap(UpDefaults::prefixOf).orElse(LocalCluster.DEFAULT_NODE_PREFIX);
    LocalCluster.Runtime r =
        flags.runtime() != null ? flags.runtime() : last.map(UpDefaults::runtimeOf).orElse(null);
    if (r == null) {
      if (!dockerReachable.getAsBoolean()) {
        throw new IllegalArgumentException(
            "no Docker engine answers (at $DOCKER_HOST or unix:///var/run/docker.sock).\n"
                + "Start Docker, or run the pods without containers: kvx up --runtime=simulated");
      }
      r = LocalCluster.Runtime.DOCKER;
    }
    if (n < 1) {
      throw new IllegalArgumentException("--nodes must be at least 1: " + n);
    }
    requirePort("--port", p);
    requirePort("--scheduler-port", scheduler);
    requirePort("--controller-manager-port", manager);
    return new ClusterSettings(dataDir, n, r, etcd, p, prefix, scheduler, manager);
  }

  private static void requirePort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(flag + " must be between 0 and 65535: " + port);
    }
  }

  // kvx-node-1 → kvx-node
  private static Optional<String> prefixOf(ClusterState s) {
    if (s.nodes().isEmpty()) {
      return Optional.empty();
    }
    String first = s.nodes().get(0);
    int dash = first.lastIndexOf('-');
    return dash > 0 ? Optional.of(first.substring(0, dash)) : Optional.empty();
  }

  private static LocalCluster.Runtime runtimeOf(ClusterState s) {
    try {
      return LocalCluster.Runtime.valueOf(s.runtime().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
