package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How {@code kvx up} decides what was not given on its command line: first the last start on the
 * same data dir (so {@code kvx up} after {@code kvx down} brings back the same cluster), then the
 * defaults — one node named kvx-node-1, port 6443, the embedded store, and the Docker runtime when an
 * engine answers.
 */
public final class UpDefaults {

  public static final int DEFAULT_PORT = 6443;
  public static final int DEFAULT_NODES = 1;

  private UpDefaults() {}

  /**
   * The settings from the flags (null: not given) and the last start's state.
   *
   * @throws IllegalArgumentException with what to do when no runtime can be chosen
   */
  public static ClusterSettings resolve(
      Path dataDir,
      Integer nodes,
      LocalCluster.Runtime runtime,
      List<String> etcdServers,
      Integer port,
      String nodeNamePrefix,
      Optional<ClusterState> last,
      BooleanSupplier dockerReachable) {
    int n = nodes != null ? nodes : last.map(s -> s.nodes().size()).filter(c -> c > 0).orElse(DEFAULT_NODES);
    int p = port != null ? port : last.map(ClusterState::port).filter(x -> x > 0).orElse(DEFAULT_PORT);
    List<String> etcd =
        etcdServers != null && !etcdServers.isEmpty()
            ? etcdServers
            : last.map(ClusterState::etcdServers).orElse(List.of());
    LocalCluster.Runtime r = runtime != null ? runtime : last.map(UpDefaults::runtimeOf).orElse(null);
    if (r == null) {
      if (!dockerReachable.getAsBoolean()) {
        throw new IllegalArgumentException(
            "no Docker engine answers (at $DOCKER_HOST or unix:///var/run/docker.sock).\n"
                + "Start Docker, or run the pods without containers: kvx up --runtime=simulated");
      }
      r = LocalCluster.Runtime.DOCKER;
    }
    String prefix =
        nodeNamePrefix != null && !nodeNamePrefix.isBlank()
            ? nodeNamePrefix.strip()
            : last.flatMap(UpDefaults::prefixOf).orElse(LocalCluster.DEFAULT_NODE_PREFIX);
    if (n < 1) {
      throw new IllegalArgumentException("--nodes must be at least 1: " + n);
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("--port must be between 0 and 65535: " + p);
    }
    return new ClusterSettings(dataDir, n, r, etcd, p, prefix);
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
