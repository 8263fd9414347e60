package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  /**
   * The settings {@link #foregroundArgs()} wrote: its inverse, for the background process, which
   * reads them without building the whole {@code kvx} command tree ({@link ClusterProcess}).
   *
   * @throws IllegalArgumentException on an argument {@link #foregroundArgs()} does not write
   */
  public static ClusterSettings fromForegroundArgs(List<String> args) {
    if (args.size() < 2 || !args.get(0).equals("up") || !args.get(1).equals("--foreground")) {
      throw new IllegalArgumentException("expected up --foreground FLAGS…: " + args);
    }
    Map<String, String> flags = new HashMap<>();
    for (String arg : args.subList(2, args.size())) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0 || flags.put(arg.substring(2, eq), arg.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
    }
    String etcd = flags.remove("etcd-servers");
    ClusterSettings settings =
        new ClusterSettings(
            Path.of(required(flags, "data-dir")),
            integer(flags, "nodes"),
            LocalCluster.Runtime.valueOf(required(flags, "runtime").toUpperCase(Locale.ROOT)),
            etcd == null ? List.of() : Arrays.asList(etcd.split(",")),
            integer(flags, "port"),
            required(flags, "node-name-prefix"),
            integer(flags, "scheduler-port"),
            integer(flags, "controller-manager-port"));
    if (!flags.isEmpty()) {
      throw new IllegalArgumentException("unexpected flags: " + flags.keySet());
    }
    return settings;
  }

  private static String required(Map<String, String> flags, String name) {
    String value = flags.remove(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  private static int integer(Map<String, String> flags, String name) {
    String value = required(flags, name);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " is not a number: " + value);
    }
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
