package dev.kvx.scheduler;

import dev.kvx.component.leaderelection.LeaderElectionConfig;
import dev.kvx.scheduler.framework.Profile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link KubeScheduler} runs, named after kube-scheduler's flags: the kubeconfig, leader
 * election on the Lease kube-system/kube-scheduler with its timings, where /healthz, /readyz and
 * /metrics are served (default port 10259; 0 picks a free one; plain HTTP unless a certificate and
 * key are given), the profiles and percentageOfNodesToScore.
 */
public record SchedulerOptions(
    Path kubeconfig,
    boolean leaderElect,
    String leaseNamespace,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    String bindAddress,
    int port,
    Path tlsCertFile,
    Path tlsKeyFile,
    List<Profile> profiles,
    int percentageOfNodesToScore) {
  public static final int DEFAULT_PORT = 10259;
  public static final String DEFAULT_LEASE_NAMESPACE = "kube-system";
  public static final String DEFAULT_LEASE_NAME = "kube-scheduler";

  public SchedulerOptions {
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    profiles = List.copyOf(profiles);
    if (profiles.isEmpty()) {
      throw new IllegalArgumentException("at least one profile is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
    }
    if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
      throw new IllegalArgumentException("percentageOfNodesToScore must be between 0 and 100");
    }
  }

  /**
   * Upstream defaults: leader election on, 15 s / 10 s / 2 s, port 10259 on 0.0.0.0, default
   * profile.
   */
  public static SchedulerOptions defaults(Path kubeconfig) {
    return new SchedulerOptions(
        kubeconfig,
        true,
        DEFAULT_LEASE_NAMESPACE,
        DEFAULT_LEASE_NAME,
        LeaderElectionConfig.defaultIdentity(),
        LeaderElectionConfig.DEFAULT_LEASE_DURATION,
        LeaderElectionConfig.DEFAULT_RENEW_DEADLINE,
        LeaderElectionConfig.DEFAULT_RETRY_PERIOD,
        "0.0.0.0",
        DEFAULT_PORT,
        null,
        null,
        List.of(Profile.defaultProfile()),
        0);
  }

  public SchedulerOptions withLeaderElect(boolean leaderElect) {
    return copy(b -> b.leaderElect = leaderElect);
  }

  /** Leader election on the Lease {@code namespace/name}. */
  public SchedulerOptions withLease(String namespace, String name) {
    return copy(
        b -> {
          b.leaseNamespace = namespace;
          b.leaseName = name;
        });
  }

  public SchedulerOptions withLeaseTimings(
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    return copy(
        b -> {
          b.leaseDuration = leaseDuration;
          b.renewDeadline = renewDeadline;
          b.retryPeriod = retryPeriod;
        });
  }

  public SchedulerOptions withIdentity(String identity) {
    return copy(b -> b.identity = identity);
  }

  public SchedulerOptions withServing(
      String bindAddress, int port, Path tlsCertFile, Path tlsKeyFile) {
    return copy(
        b -> {
          b.bindAddress = bindAddress;
          b.port = port;
          b.tlsCertFile = tlsCertFile;
          b.tlsKeyFile = tlsKeyFile;
        });
  }

  public SchedulerOptions withPercentageOfNodesToScore(int percentage) {
    return copy(b -> b.percentageOfNodesToScore = percentage);
  }

  /** The leader election this configures. */
  public LeaderElectionConfig leaderElectionConfig() {
    return LeaderElectionConfig.forLease(leaseNamespace, leaseName)
        .withIdentity(identity)
        .withTimings(leaseDuration, renewDeadline, retryPeriod);
  }

  /** These options with {@code change} applied; the copy is validated like any other. */
  private SchedulerOptions copy(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /**
   * The components as mutable fields, so each {@code withX} names only what it changes and the
   * full constructor call is written once.
   */
  private static final class Builder {
    Path kubeconfig;
    boolean leaderElect;
    String leaseNamespace;
    String leaseName;
    String identity;
    Duration leaseDuration;
    Duration renewDeadline;
    Duration retryPeriod;
    String bindAddress;
    int port;
    Path tlsCertFile;
    Path tlsKeyFile;
    List<Profile> profiles;
    int percentageOfNodesToScore;

    Builder(SchedulerOptions o) {
      kubeconfig = o.kubeconfig;
      leaderElect = o.leaderElect;
      leaseNamespace = o.leaseNamespace;
      leaseName = o.leaseName;
      identity = o.identity;
      leaseDuration = o.leaseDuration;
      renewDeadline = o.renewDeadline;
      retryPeriod = o.retryPeriod;
      bindAddress = o.bindAddress;
      port = o.port;
      tlsCertFile = o.tlsCertFile;
      tlsKeyFile = o.tlsKeyFile;
      profiles = o.profiles;
      percentageOfNodesToScore = o.percentageOfNodesToScore;
    }

    SchedulerOptions build() {
      return new SchedulerOptions(
          kubeconfig,
          leaderElect,
          leaseNamespace,
          leaseName,
          identity,
          leaseDuration,
          renewDeadline,
          retryPeriod,
          bindAddress,
          port,
          tlsCertFile,
          tlsKeyFile,
          profiles,
          percentageOfNodesToScore);
    }
  }
}
