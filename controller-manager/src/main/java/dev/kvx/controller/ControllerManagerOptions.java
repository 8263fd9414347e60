package dev.kvx.controller;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.leaderelection.LeaderElectionConfig;
import dev.kvx.controller.nodeipam.NodeIpamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to run the controller manager, as kube-controller-manager's flags: {@code --kubeconfig},
 * {@code --controllers}, {@code --leader-elect}, {@code --bind-address}, {@code --secure-port}
 * (here plain HTTP; 0 = a free port), {@code --node-monitor-grace-period}, {@code
 * --node-monitor-period}, and the node IPAM flags {@code --allocate-node-cidrs}, {@code
 * --cluster-cidr} and {@code --node-cidr-mask-size} ({@link NodeIpamConfiguration}: on by default
 * in kvx, as kind and kubeadm run it, off upstream). The clock and the lease timings are for tests.
 *
 * <p>{@code nodeMonitorGracePeriod} is how long a node may go without a heartbeat (Lease renewal
 * or Ready condition) before the node lifecycle controller marks it Unknown and taints it
 * unreachable; {@code nodeMonitorPeriod} is how often that controller looks at each node at the
 * latest. Both must be positive and the grace period longer than the monitor period, or a node
 * could be judged between two looks only. {@code null} picks the default.
 */
public record ControllerManagerOptions(
    Path kubeconfig,
    List<String> controllers,
    boolean leaderElect,
    String bindAddress,
    int port,
    LeaderElectionConfig leaderElection,
    Clock clock,
    Duration nodeMonitorGracePeriod,
    Duration nodeMonitorPeriod,
    NodeIpamConfiguration nodeIpam) {

  public static final int DEFAULT_PORT = 10257;
  public static final String LEASE_NAMESPACE = "kube-system";
  public static final String LEASE_NAME = "kube-controller-manager";

  /**
   * Upstream's default since Kubernetes 1.32 (kubernetes/kubernetes#126287; 40 s before): long
   * enough for a kubelet to drop a broken HTTP/2 connection and renew its Lease again.
   */
  public static final Duration DEFAULT_NODE_MONITOR_GRACE_PERIOD = Duration.ofSeconds(50);

  /** Upstream's default {@code --node-monitor-period}. */
  public static final Duration DEFAULT_NODE_MONITOR_PERIOD = Duration.ofSeconds(5);

  public ControllerManagerOptions {
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    controllers = List.copyOf(controllers);
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    if (leaderElection == null) {
      leaderElection = LeaderElectionConfig.forLease(LEASE_NAMESPACE, LEASE_NAME);
    }
    if (clock == null) {
      clock = Clock.system();
    }
    if (nodeMonitorGracePeriod == null) {
      nodeMonitorGracePeriod = DEFAULT_NODE_MONITOR_GRACE_PERIOD;
    }
    if (nodeMonitorPeriod == null) {
      nodeMonitorPeriod = DEFAULT_NODE_MONITOR_PERIOD;
    }
    checkNodeMonitor(nodeMonitorGracePeriod, nodeMonitorPeriod);
    if (nodeIpam == null) {
      nodeIpam = NodeIpamConfiguration.defaults();
    }
  }

  /** The options before the node IPAM flags existed: those take kvx's defaults. */
  public ControllerManagerOptions(
      Path kubeconfig,
      List<String> controllers,
      boolean leaderElect,
      String bindAddress,
      int port,
      LeaderElectionConfig leaderElection,
      Clock clock,
      Duration nodeMonitorGracePeriod,
      Duration nodeMonitorPeriod) {
    this(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock,
        nodeMonitorGracePeriod, nodeMonitorPeriod, null);
  }

  /** The options before the node monitor timings existed: those take their defaults. */
  public ControllerManagerOptions(
      Path kubeconfig,
      List<String> controllers,
      boolean leaderElect,
      String bindAddress,
      int port,
      LeaderElectionConfig leaderElection,
      Clock clock) {
    this(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock, null, null,
        null);
  }

  /**
   * Upstream defaults: every on-by-default controller, leader election on, port 10257, a 50 s
   * node monitor grace period looked at every 5 s; but node CIDR allocation is on (10.244.0.0/16
   * in /24s), as kind and kubeadm run kube-controller-manager, where upstream's default is off.
   */
  public static ControllerManagerOptions defaults(Path kubeconfig) {
    return new ControllerManagerOptions(
        kubeconfig, List.of("*"), true, "127.0.0.1", DEFAULT_PORT, null, null);
  }

  /**
   * Fails unless both timings are positive and {@code gracePeriod} is longer than {@code period}.
   * The message names the flags, as a user sets them there.
   */
  static void checkNodeMonitor(Duration gracePeriod, Duration period) {
    if (gracePeriod.isNegative() || gracePeriod.isZero()) {
      throw new IllegalArgumentException(
          "--node-monitor-grace-period must be positive: " + format(gracePeriod));
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException(
          "--node-monitor-period must be positive: " + format(period));
    }
    if (gracePeriod.compareTo(period) <= 0) {
      throw new IllegalArgumentException(
          "--node-monitor-grace-period ("
              + format(gracePeriod)
              + ") must be longer than --node-monitor-period ("
              + format(period)
              + ")");
    }
  }

  /** {@code 50s}, {@code 1m30s}, {@code 0.5s}: Go's spelling rather than Java's PT50S. */
  private static String format(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  public ControllerManagerOptions withControllers(List<String> controllers) {
    return copy(b -> b.controllers = controllers);
  }

  public ControllerManagerOptions withLeaderElect(boolean leaderElect) {
    return copy(b -> b.leaderElect = leaderElect);
  }

  public ControllerManagerOptions withPort(int port) {
    return copy(b -> b.port = port);
  }

  public ControllerManagerOptions withLeaderElection(LeaderElectionConfig leaderElection) {
    return copy(b -> b.leaderElection = leaderElection);
  }

  public ControllerManagerOptions withClock(Clock clock) {
    return copy(b -> b.clock = clock);
  }

  /**
   * Options with another {@code --node-monitor-grace-period}, checked against the current period
   * (to shrink both, set the period first).
   */
  public ControllerManagerOptions withNodeMonitorGracePeriod(Duration nodeMonitorGracePeriod) {
    Objects.requireNonNull(nodeMonitorGracePeriod, "nodeMonitorGracePeriod");
    return copy(b -> b.nodeMonitorGracePeriod = nodeMonitorGracePeriod);
  }

  /**
   * Options with another {@code --node-monitor-period}, checked against the current grace period
   * (to lengthen both, set the grace period first).
   */
  public ControllerManagerOptions withNodeMonitorPeriod(Duration nodeMonitorPeriod) {
    Objects.requireNonNull(nodeMonitorPeriod, "nodeMonitorPeriod");
    return copy(b -> b.nodeMonitorPeriod = nodeMonitorPeriod);
  }

  /** Options with another node IPAM configuration (the three node IPAM flags). */
  public ControllerManagerOptions withNodeIpam(NodeIpamConfiguration nodeIpam) {
    Objects.requireNonNull(nodeIpam, "nodeIpam");
    return copy(b -> b.nodeIpam = nodeIpam);
  }

  /** These options with {@code change} applied; the copy is validated like any other. */
  private ControllerManagerOptions copy(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** The fields of a copy while it is being changed. */
  private static final class Builder {
    Path kubeconfig;
    List<String> controllers;
    boolean leaderElect;
    String bindAddress;
    int port;
    LeaderElectionConfig leaderElection;
    Clock clock;
    Duration nodeMonitorGracePeriod;
    Duration nodeMonitorPeriod;
    NodeIpamConfiguration nodeIpam;

    Builder(ControllerManagerOptions o) {
      kubeconfig = o.kubeconfig;
      controllers = o.controllers;
      leaderElect = o.leaderElect;
      bindAddress = o.bindAddress;
      port = o.port;
      leaderElection = o.leaderElection;
      clock = o.clock;
      nodeMonitorGracePeriod = o.nodeMonitorGracePeriod;
      nodeMonitorPeriod = o.nodeMonitorPeriod;
      nodeIpam = o.nodeIpam;
    }

    ControllerManagerOptions build() {
      return new ControllerManagerOptions(
          kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock,
          nodeMonitorGracePeriod, nodeMonitorPeriod, nodeIpam);
    }
  }
}
