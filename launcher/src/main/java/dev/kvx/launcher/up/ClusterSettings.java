package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The resolved settings of {@code kvx up}: every flag decided (from the command line, else the last
 * start on this data dir, else the defaults), so the background process gets them all explicitly.
 */
public record ClusterSettings(
    Path dataDir,
    int nodes,
    LocalCluster.Runtime runtime,
    List<String> etcdServers,
    int port,
    String nodeNamePrefix) {

  public ClusterSettings {
    etcdServers = List.copyOf(etcdServers);
  }

  /** The flags of {@code kvx up --foreground} that reproduce these settings. */
  public List<String> foregroundArgs() {
    List<String> args = new ArrayList<>();
    args.add("up");
    args.add("--foreground");
    args.add("--data-dir=" + dataDir);
    args.add("--nodes=" + nodes);
    args.add("--runtime=" + runtimeName());
    args.add("--port=" + port);
    args.add("--node-name-prefix=" + nodeNamePrefix);
    if (!etcdServers.isEmpty()) {
      args.add("--etcd-servers=" + String.join(",", etcdServers));
    }
    return args;
  }

  public String runtimeName() {
    return runtime.name().toLowerCase(Locale.ROOT);
  }

  /** A builder for the cluster these settings describe. */
  public LocalCluster.Builder clusterBuilder() {
    return LocalCluster.builder()
        .dataDir(dataDir)
        .nodes(nodes)
        .runtime(runtime)
        .etcdServers(etcdServers)
        .apiPort(port)
        .nodeNamePrefix(nodeNamePrefix);
  }
}
