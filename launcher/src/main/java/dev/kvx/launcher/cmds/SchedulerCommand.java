package dev.kvx.launcher.cmds;

import dev.kvx.launcher.Foreground;
import dev.kvx.scheduler.KubeScheduler;
import dev.kvx.scheduler.SchedulerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvx scheduler}: flags named as kube-scheduler's; the action is {@link KubeScheduler}, run
 * in the foreground until SIGINT/SIGTERM.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = {
      "Run the scheduler in the foreground until SIGINT/SIGTERM: it binds pending pods to nodes"
          + " through the API server of --kubeconfig.",
      "With leader election (the default) only the replica holding the Lease"
          + " kube-system/kube-scheduler schedules."
    })
public final class SchedulerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      required = true,
      paramLabel = "FILE",
      description = "Kubeconfig with the API server and credentials to use.")
  Path kubeconfig;

  @Option(
      names = "--leader-elect",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description =
          "Compete for the Lease and schedule only while holding it (default: ${DEFAULT-VALUE}).")
  boolean leaderElect = true;

  @Option(
      names = "--leader-elect-lease-duration",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description =
          "How long non-leaders wait after the last renewal before taking over (default: 15s).")
  Duration leaseDuration = Duration.ofSeconds(15);

  @Option(
      names = "--leader-elect-renew-deadline",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "How long the leader retries renewing before it stops leading (default: 10s).")
  Duration renewDeadline = Duration.ofSeconds(10);

  @Option(
      names = "--leader-elect-retry-period",
      paramLabel = "DURATION",
      converter = GoDuration.class,
      description = "How often to try to acquire or renew the lease (default: 2s).")
  Duration retryPeriod = Duration.ofSeconds(2);

  @Option(
      names = "--leader-elect-resource-namespace",
      paramLabel = "NS",
      description = "Namespace of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseNamespace = SchedulerOptions.DEFAULT_LEASE_NAMESPACE;

  @Option(
      names = "--leader-elect-resource-name",
      paramLabel = "NAME",
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName = SchedulerOptions.DEFAULT_LEASE_NAME;

  @Option(
      names = {"--secure-port", "--port"},
      paramLabel = "N",
      description =
          "Port of /healthz, /livez, /readyz and /metrics; 0 picks a free one (default:"
              + " ${DEFAULT-VALUE}).")
  int port = SchedulerOptions.DEFAULT_PORT;

  @Option(
      names = "--bind-address",
      paramLabel = "IP",
      description = "Address of the health and metrics port (default: ${DEFAULT-VALUE}).")
  String bindAddress = "0.0.0.0";

  @Option(
      names = "--tls-cert-file",
      paramLabel = "FILE",
      description =
          "PEM certificate to serve HTTPS with (with --tls-private-key-file); plain HTTP without.")
  Path tlsCertFile;

  @Option(
      names = "--tls-private-key-file",
      paramLabel = "FILE",
      description = "PEM key of --tls-cert-file.")
  Path tlsKeyFile;

  @Override
  public Integer call() {
    SchedulerOptions options = options();
    return new Foreground<KubeScheduler>(
            "scheduler", vertx -> KubeScheduler.start(vertx, options), KubeScheduler::close)
        .run(
            s -> {
              System.out.printf(
                  "kvx scheduler: health and metrics on %s://%s:%d, leader election %s%n",
                  s.scheme(),
                  bindAddress,
                  s.port(),
                  leaderElect ? "on (" + leaseNamespace + "/" + leaseName + ")" : "off");
              System.out.flush();
            });
  }

  /** The scheduler's options from the flags. */
  SchedulerOptions options() {
    if (!Files.isReadable(kubeconfig)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--kubeconfig is not a readable file: " + kubeconfig);
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give both --tls-cert-file and --tls-private-key-file, or neither");
    }
    try {
      SchedulerOptions o =
          SchedulerOptions.defaults(kubeconfig.toAbsolutePath())
              .withLeaderElect(leaderElect)
              .withLease(leaseNamespace, leaseName)
              .withLeaseTimings(leaseDuration, renewDeadline, retryPeriod)
              .withServing(bindAddress, port, tlsCertFile, tlsKeyFile);
      if (leaderElect) {
        o.leaderElectionConfig(); // validates the timings as client-go does
      }
      return o;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Go's duration syntax, as kube-scheduler's flags take it: {@code 15s}, {@code 500ms}, {@code
   * 1m30s}.
   */
  static final class GoDuration implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s)");

    @Override
    public Duration convert(String value) {
      Matcher m = PART.matcher(value);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.find() && m.start() == end) {
        double amount = Double.parseDouble(m.group(1));
        long unitMillis =
            switch (m.group(2)) {
              case "h" -> 3_600_000L;
              case "m" -> 60_000L;
              case "s" -> 1_000L;
              default -> 1L;
            };
        total = total.plusMillis(Math.round(amount * unitMillis));
        end = m.end();
      }
      if (end == 0 || end != value.length()) {
        throw new CommandLine.TypeConversionException(
            "invalid duration \"" + value + "\" (examples: 15s, 500ms, 1m30s)");
      }
      return total;
    }
  }
}
