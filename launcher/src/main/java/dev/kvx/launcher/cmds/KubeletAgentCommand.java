package dev.kvx.launcher.cmds;

import dev.kvx.kubelet.KubeletAgent;
import dev.kvx.kubelet.KubeletOptions;
import dev.kvx.kubelet.runtime.simulated.PodIpRange;
import dev.kvx.launcher.Foreground;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvx kubelet-agent}: flags named as the kubelet's where one exists; the action is {@link
 * KubeletAgent}, run in the foreground until SIGINT/SIGTERM (its containers keep running).
 */
@Command(
    name = "kubelet-agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run a node agent in the foreground until SIGINT/SIGTERM.",
      "It registers the node with the API server of --kubeconfig and runs the pods bound to it:",
      "as Docker containers (--runtime=docker), or simulated without containers"
          + " (--runtime=simulated,",
      "where --nodes=N runs N nodes NAME-0 … NAME-(N-1) from one process)."
    })
public final class KubeletAgentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(
      names = "--kubeconfig",
      required = true,
      paramLabel = "FILE",
      description = "Kubeconfig with the API server and credentials to use.")
  Path kubeconfig;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description =
          "The node's name (default: the host name); the prefix of the names with --nodes.")
  String nodeName;

  @Option(
      names = "--runtime",
      paramLabel = "RUNTIME",
      description = "docker or simulated (default: ${DEFAULT-VALUE}).")
  KubeletOptions.Runtime runtime = KubeletOptions.Runtime.DOCKER;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "How many simulated nodes to run (default: ${DEFAULT-VALUE}).")
  int nodes = 1;

  @Option(
      names = "--root-dir",
      paramLabel = "DIR",
      description =
          "Pod volumes and the serving certificate (default: <data dir>/kubelet/<node name>).")
  Path rootDir;

  @Option(
      names = "--port",
      paramLabel = "N",
      description =
          "HTTPS port of logs, exec, health and metrics; 0 picks a free one (default:"
              + " ${DEFAULT-VALUE}).")
  int port = KubeletOptions.DEFAULT_PORT;

  @Option(
      names = "--address",
      paramLabel = "IP",
      description = "Address the HTTPS port listens on (default: ${DEFAULT-VALUE}).")
  String address = "0.0.0.0";

  @Option(
      names = "--node-ip",
      paramLabel = "IP",
      description =
          "The node's InternalIP, where the API server reaches the agent (default: detected).")
  String nodeIp;

  @Option(
      names = "--node-labels",
      split = ",",
      paramLabel = "KEY=VALUE",
      description = "Labels to add to the Node, comma-separated.")
  List<String> nodeLabels = new ArrayList<>();

  @Option(
      names = "--cpu",
      paramLabel = "QUANTITY",
      description = "CPU capacity to report (default: the host's).")
  String cpu;

  @Option(
      names = "--memory",
      paramLabel = "QUANTITY",
      description = "Memory capacity to report (default: the host's).")
  String memory;

  @Option(
      names = "--ephemeral-storage",
      paramLabel = "QUANTITY",
      description = "Ephemeral storage capacity to report (default: the root dir's file system).")
  String ephemeralStorage;

  @Option(
      names = "--max-pods",
      paramLabel = "N",
      description = "Pod capacity (default: ${DEFAULT-VALUE}).")
  int maxPods = KubeletOptions.DEFAULT_MAX_PODS;

  @Option(
      names = {"--container-runtime-endpoint", "--docker-host"},
      paramLabel = "URL",
      description = "The Docker engine (default: $DOCKER_HOST, else unix:///var/run/docker.sock).")
  String dockerHost;

  @Option(
      names = "--pod-infra-container-image",
      paramLabel = "IMAGE",
      description = "The sandbox image (default: ${DEFAULT-VALUE}).")
  String sandboxImage = KubeletOptions.DEFAULT_SANDBOX_IMAGE;

  @Option(
      names = "--pod-infra-container-command",
      split = ",",
      paramLabel = "ARG",
      description =
          "The sandbox's command, comma-separated (default: the image's), e.g. sleep,2147483647 for"
              + " a busybox image.")
  List<String> sandboxCommand;

  @Option(
      names = "--pod-cidr",
      paramLabel = "CIDR",
      description =
          "Simulated runtime without a controller manager (standalone mode): the pods' IP range,"
              + " split into one /24 per node when --nodes > 1. Default: each node waits for the"
              + " pod CIDR the controller manager's node IPAM controller gives it.")
  String podCidr;

  @Option(
      names = "--simulated-running-delay",
      paramLabel = "DURATION",
      converter = SchedulerCommand.GoDuration.class,
      description = "How long a simulated container takes to run (default: 1s).")
  Duration simulatedRunningDelay = Duration.ofSeconds(1);

  @Option(
      names = "--simulated-complete-delay",
      paramLabel = "DURATION",
      converter = SchedulerCommand.GoDuration.class,
      description =
          "How long containers of simulated Never/OnFailure pods run before they succeed (default:"
              + " 5s).")
  Duration simulatedCompleteDelay = Duration.ofSeconds(5);

  @Option(
      names = "--tls-cert-file",
      paramLabel = "FILE",
      description = "Serving certificate (PEM); default: a self-signed one in the root dir.")
  Path tlsCertFile;

  @Option(
      names = "--tls-private-key-file",
      paramLabel = "FILE",
      description = "Key of --tls-cert-file.")
  Path tlsKeyFile;

  @Option(
      names = "--client-ca-file",
      paramLabel = "FILE",
      description =
          "CA of the client certificates allowed to read logs and exec (default: the kubeconfig's"
              + " cluster CA).")
  Path clientCaFile;

  @Override
  public Integer call() {
    KubeletOptions options = options();
    return new Foreground<KubeletAgent>(
            "kubelet-agent", vertx -> KubeletAgent.start(vertx, options), KubeletAgent::close)
        .run(
            agent -> {
              System.out.printf(
                  "kvx kubelet-agent: node(s) %s (%s runtime), logs/exec/metrics on"
                      + " https://%s:%d%n",
                  summary(agent.nodeNames()),
                  runtime.name().toLowerCase(Locale.ROOT),
                  address,
                  agent.port());
              System.out.flush();
            });
  }

  private static String summary(List<String> names) {
    return names.size() <= 3
        ? String.join(",", names)
        : names.get(0) + " … " + names.get(names.size() - 1);
  }

  /** The agent's options from the flags. */
  KubeletOptions options() {
    if (!Files.isReadable(kubeconfig)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--kubeconfig is not a readable file: " + kubeconfig);
    }
    if (nodes < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be at least 1");
    }
    if (nodes > 1 && runtime != KubeletOptions.Runtime.SIMULATED) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--nodes > 1 needs --runtime=simulated");
    }
    if (podCidr != null) {
      if (runtime != KubeletOptions.Runtime.SIMULATED) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--pod-cidr needs --runtime=simulated (Docker gives pods its bridge's addresses)");
      }
      try {
        PodIpRange.perNode(podCidr, nodes);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--pod-cidr: " + e.getMessage());
      }
    }
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--port must be between 0 and 65535: " + port);
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give both --tls-cert-file and --tls-private-key-file, or neither");
    }
    String name = nodeName != null ? nodeName : hostname();
    Map<String, String> labels = new LinkedHashMap<>();
    for (String l : nodeLabels) {
      int eq = l.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--node-labels takes KEY=VALUE pairs: " + l);
      }
      labels.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
    }
    Path root =
        rootDir != null
            ? rootDir.toAbsolutePath()
            : dataDir.dataDir().resolve("kubelet").resolve(name);
    return new KubeletOptions()
        .kubeconfig(kubeconfig.toAbsolutePath())
        .nodeName(name)
        .runtime(runtime)
        .nodes(nodes)
        .rootDir(root)
        .address(address)
        .port(port)
        .nodeIp(nodeIp)
        .nodeLabels(labels)
        .cpu(cpu)
        .memory(memory)
        .ephemeralStorage(ephemeralStorage)
        .maxPods(maxPods)
        .dockerHost(dockerHost)
        .sandboxImage(sandboxImage)
        .sandboxCommand(sandboxCommand)
        .podCidr(podCidr)
        .simulatedRunningDelay(simulatedRunningDelay)
        .simulatedCompleteDelay(simulatedCompleteDelay)
        .tlsCertFile(tlsCertFile)
        .tlsPrivateKeyFile(tlsKeyFile)
        .clientCaFile(clientCaFile);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (Exception e) {
      return "localhost";
    }
  }
}
