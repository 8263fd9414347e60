package dev.kvx.controller;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.leaderelection.LeaderElectionConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to run the controller manager, as kube-controller-manager's flags: {@code --kubeconfig},
 * {@code --controllers}, {@code --leader-elect}, {@code --bind-address} and {@code
 * --secure-port} (here plain HTTP; 0 = a free port). The clock and the lease timings are for
 * tests.
 */
public record ControllerManagerOptions(
    Path kubeconfig,
    List<String> controllers,
    boolean leaderElect,
    String bindAddress,
    int port,
    LeaderElectionConfig leaderElection,
    Clock clock) {

  public static final int DEFAULT_PORT = 10257;
  public static final String LEASE_NAMESPACE = "kube-system";
  public static final String LEASE_NAME = "kube-controller-manager";

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
  }

  /** Upstream defaults: every on-by-default controller, leader election on, port 10257. */
  public static ControllerManagerOptions defaults(Path kubeconfig) {
    return new ControllerManagerOptions(
        kubeconfig, List.of("*"), true, "127.0.0.1", DEFAULT_PORT, null, null);
  }

  public ControllerManagerOptions withControllers(List<String> controllers) {
    return new ControllerManagerOptions(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock);
  }

  public ControllerManagerOptions withLeaderElect(boolean leaderElect) {
    return new ControllerManagerOptions(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock);
  }

  public ControllerManagerOptions withPort(int port) {
    return new ControllerManagerOptions(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock);
  }

  public ControllerManagerOptions withLeaderElection(LeaderElectionConfig leaderElection) {
    return new ControllerManagerOptions(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock);
  }

  public ControllerManagerOptions withClock(Clock clock) {
    return new ControllerManagerOptions(
        kubeconfig, controllers, leaderElect, bindAddress, port, leaderElection, clock);
  }
}
