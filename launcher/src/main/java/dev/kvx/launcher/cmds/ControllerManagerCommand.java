package dev.kvx.launcher.cmds;

import dev.kvx.controller.ControllerManager;
import dev.kvx.controller.ControllerManagerOptions;
import dev.kvx.controller.nodeipam.NodeIpamConfiguration;
import dev.kvx.launcher.Foreground;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvx controller-manager}: flags named as kube-controller-manager's; the action is {@link
 * ControllerManager}, run in the foreground.
 */
@Command(
    name = "controller-manager",
    mixinStandardHelpOptions = true,
    description = {
      "Run the controller manager in the foreground until SIGINT/SIGTERM.",
      "It talks to the API server named in --kubeconfig, like every other client."
    })
public final class ControllerManagerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      required = true,
      paramLabel = "FILE",
      description = "kubeconfig of the API server to manage.")
  Path kubeconfig;

  @Option(
      names = "--controllers",
      split = ",",
      paramLabel = "NAME",
      description = {
        "Controllers to run: '*' runs every on-by-default controller, 'foo' enables foo,",
        "'-foo' disables foo (default: *)."
      })
  List<String> controllers = new ArrayList<>(List.of("*"));

  @Option(
      names = "--leader-elect",
      arity = "0..1",
      negatable = true,
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Run only while holding the kube-system/kube-controller-manager Lease (default: ${DEFAULT-VALUE}).")
  boolean leaderElect = true;

  @Option(
      names = {"--port", "--secure-port"},
      paramLabel = "N",
      description = "Port of /healthz, /readyz and /metrics; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = ControllerManagerOptions.DEFAULT_PORT;

  @Option(
      names = "--bind-address",
      paramLabel = "IP",
      description = "Address of that port (default: ${DEFAULT-VALUE}).")
  String bindAddress = "127.0.0.1";

  @Option(
      names = "--node-monitor-grace-period",
      paramLabel = "DURATION",
      converter = SchedulerCommand.GoDuration.class,
      description =
          "How long a node may go without a heartbeat before it is marked Unknown and tainted"
              + " unreachable (default: 50s, as upstream since 1.32). Keep it a few times the"
              + " kubelet's 10s Lease renewal; test clusters may shorten it to see node loss"
              + " sooner.")
  Duration nodeMonitorGracePeriod = ControllerManagerOptions.DEFAULT_NODE_MONITOR_GRACE_PERIOD;

  @Option(
      names = "--node-monitor-period",
      paramLabel = "DURATION",
      converter = SchedulerCommand.GoDuration.class,
      description =
          "How often each node's health is looked at, at the latest; must be shorter than the"
              + " grace period (default: 5s).")
  Duration nodeMonitorPeriod = ControllerManagerOptions.DEFAULT_NODE_MONITOR_PERIOD;

  @Option(
      names = "--allocate-node-cidrs",
      arity = "0..1",
      negatable = true,
      fallbackValue = "true",
      paramLabel = "BOOL",
      description =
          "Give each node a pod CIDR from --cluster-cidr (spec.podCIDR) so pods on different"
              + " nodes get distinct IPs (default: ${DEFAULT-VALUE}; upstream's default is false,"
              + " kind and kubeadm turn it on).")
  boolean allocateNodeCidrs = true;

  @Option(
      names = "--cluster-cidr",
      paramLabel = "CIDR",
      description = "The cluster's pod range (IPv4) that node CIDRs are cut from (default: ${DEFAULT-VALUE}).")
  String clusterCidr = NodeIpamConfiguration.DEFAULT_CLUSTER_CIDR;

  @Option(
      names = "--node-cidr-mask-size",
      paramLabel = "N",
      description = "Prefix length of each node's pod CIDR (default: ${DEFAULT-VALUE}).")
  int nodeCidrMaskSize = NodeIpamConfiguration.DEFAULT_NODE_CIDR_MASK_SIZE;

  @Override
  public Integer call() {
    ControllerManagerOptions options = options();
    return new Foreground<ControllerManager>(
            "controller-manager", vertx -> ControllerManager.start(vertx, options), ControllerManager::close)
        .run(m -> {
          System.out.printf("kvx controller-manager: controllers %s; metrics on http://%s:%d/metrics%n",
              String.join(",", m.controllers()), bindAddress, m.port());
          System.out.flush();
        });
  }

  /** The manager's options from the flags. */
  ControllerManagerOptions options() {
    if (!Files.isReadable(kubeconfig)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--kubeconfig is not a readable file: " + kubeconfig);
    }
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be between 0 and 65535: " + port);
    }
    try {
      return new ControllerManagerOptions(
          kubeconfig.toAbsolutePath(),
          controllers,
          leaderElect,
          bindAddress,
          port,
          null,
          null,
          nodeMonitorGracePeriod,
          nodeMonitorPeriod,
          new NodeIpamConfiguration(allocateNodeCidrs, clusterCidr, nodeCidrMaskSize));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
