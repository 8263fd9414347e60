package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The resolved settings of {@code kvx up}: every flag decided (from the command line, else the last
 * start on this data dir, else the defaults), so the background process gets them all explicitly.
 *
 * @param schedulerPort the scheduler's /healthz and /metrics port (0: a free one)
 * @param controllerManagerPort the controller manager's (0: a free one)
 */
public record ClusterSettings(
    Path dataDir,
    int nodes,
    LocalCluster.Runtime runtime,
    List<String> etcdServers,
    int port,
    String nodeNamePrefix,
    int schedulerPort,
    int controllerManagerPort) {

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
    args.add("--scheduler-port=" + schedulerPort);
    args.add("--controller-manager-port=" + controllerManagerPort);
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
        .nodeNamePrefix(nodeNamePrefix)
        .scheduler(o -> o.withServing(o.bindAddress(), schedulerPort, o.tlsCertFile(), o.tlsKeyFile()))
        .controllerManager(o -> o.withPort(controllerManagerPort));
  }
}
