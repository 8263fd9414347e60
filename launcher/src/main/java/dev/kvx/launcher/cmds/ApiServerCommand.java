package dev.kvx.launcher.cmds;

import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.apiserver.auth.Pki;
import dev.kvx.launcher.apiserver.RunApiServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kvx apiserver}: flags, named as kube-apiserver's; the action is {@link RunApiServer}. */
@Command(
    name = "apiserver",
    mixinStandardHelpOptions = true,
    description = {
      "Run the API server in the foreground until SIGINT/SIGTERM.",
      "Without --etcd-servers it keeps its objects in the embedded store under the data dir."
    })
public final class ApiServerCommand implements Callable<Integer> {

  public static final int DEFAULT_SECURE_PORT = 6443;
  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(
      names = "--etcd-servers",
      split = ",",
      paramLabel = "URL",
      description = "etcd client URLs, comma-separated (default: the embedded store).")
  List<String> etcdServers = new ArrayList<>();

  @Option(
      names = "--secure-port",
      paramLabel = "N",
      description = "HTTPS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int securePort = DEFAULT_SECURE_PORT;

  @Option(
      names = "--bind-address",
      paramLabel = "IP",
      description = "Address to listen on; 0.0.0.0 for all interfaces (default: ${DEFAULT-VALUE}).")
  String bindAddress = DEFAULT_BIND_ADDRESS;

  @Option(
      names = "--service-cluster-ip-range",
      paramLabel = "CIDR",
      description = "Range that Service ClusterIPs come from (default: ${DEFAULT-VALUE}).")
  String serviceClusterIpRange = ApiServerOptions.DEFAULT_SERVICE_CIDR;

  @Override
  public Integer call() {
    return new RunApiServer(options(dataDir.dataDir())).run();
  }

  /** The API server's options from the flags, with {@code dataDir} already resolved. */
  ApiServerOptions options(Path resolvedDataDir) {
    if (securePort < 0 || securePort > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--secure-port must be between 0 and 65535: " + securePort);
    }
    try {
      Pki.kubernetesServiceIp(serviceClusterIpRange);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--service-cluster-ip-range is not a CIDR: " + serviceClusterIpRange);
    }
    List<String> servers = etcdServers.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    return new ApiServerOptions(
        resolvedDataDir, servers, securePort, bindAddress, false, serviceClusterIpRange);
  }
}
