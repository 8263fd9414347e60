package dev.kvx.component.leaderelection;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Which Lease to compete for and how, with client-go's (and kube-scheduler's,
 * kube-controller-manager's) defaults: leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s,
 * release on stop. The identity defaults to {@code <hostname>_<uuid>} as upstream components use.
 *
 * <p>Constraints as client-go: leaseDuration &gt; renewDeadline &gt; 1.2 × retryPeriod.
 */
public record LeaderElectionConfig(
    String namespace,
    String name,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean releaseOnCancel) {

  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

  public LeaderElectionConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(identity, "identity");
    if (identity.isEmpty()) {
      throw new IllegalArgumentException("identity must not be empty");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0) {
      throw new IllegalArgumentException("leaseDuration must be greater than renewDeadline");
    }
    if (renewDeadline.toMillis() <= 1.2 * retryPeriod.toMillis()) {
      throw new IllegalArgumentException("renewDeadline must be greater than 1.2 × retryPeriod");
    }
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("retryPeriod must be positive");
    }
  }

  /** The Lease {@code namespace/name} with upstream defaults and a fresh identity. */
  public static LeaderElectionConfig forLease(String namespace, String name) {
    return new LeaderElectionConfig(
        namespace,
        name,
        defaultIdentity(),
        DEFAULT_LEASE_DURATION,
        DEFAULT_RENEW_DEADLINE,
        DEFAULT_RETRY_PERIOD,
        true);
  }

  /** {@code <hostname>_<uuid>}, unique per process start as upstream's. */
  public static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "_" + UUID.randomUUID();
  }

  public LeaderElectionConfig withIdentity(String identity) {
    return new LeaderElectionConfig(
        namespace, name, identity, leaseDuration, renewDeadline, retryPeriod, releaseOnCancel);
  }

  /** Other timings, e.g. short ones in tests. */
  public LeaderElectionConfig withTimings(
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    return new LeaderElectionConfig(
        namespace, name, identity, leaseDuration, renewDeadline, retryPeriod, releaseOnCancel);
  }

  public LeaderElectionConfig withReleaseOnCancel(boolean releaseOnCancel) {
    return new LeaderElectionConfig(
        namespace, name, identity, leaseDuration, renewDeadline, retryPeriod, releaseOnCancel);
  }
}
