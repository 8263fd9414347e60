package dev.kvx.apiserver;

import java.nio.file.Path;
import java.util.List;

/**
 * How an API server runs. Built by the launcher from its flags, or by tests.
 *
 * @param dataDir where the embedded store, the PKI and the kubeconfig live
 * @param etcdServers etcd client URLs; empty means the embedded store under {@code dataDir}
 * @param securePort HTTPS port; 0 picks a free one
 * @param bindAddress address to listen on
 * @param inMemory embedded store without a disk log (tests and in-JVM clusters)
 * @param serviceClusterIpRange CIDR that Service ClusterIPs are allocated from
 */
public record ApiServerOptions(
    Path dataDir,
    List<String> etcdServers,
    int securePort,
    String bindAddress,
    boolean inMemory,
    String serviceClusterIpRange) {

  public static final String DEFAULT_SERVICE_CIDR = "10.96.0.0/12";

  /** Largest request body accepted; larger ones get 413 (upstream's 3 MiB). */
  public static final int MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

  public ApiServerOptions {
    etcdServers = etcdServers == null ? List.of() : List.copyOf(etcdServers);
    bindAddress = bindAddress == null ? "127.0.0.1" : bindAddress;
    serviceClusterIpRange = serviceClusterIpRange == null ? DEFAULT_SERVICE_CIDR : serviceClusterIpRange;
  }

  /** An in-memory API server on a free port, its PKI and kubeconfig under {@code dataDir}. */
  public static ApiServerOptions forTest(Path dataDir) {
    return new ApiServerOptions(dataDir, List.of(), 0, "127.0.0.1", true, null);
  }

  /** How many event loops serve HTTPS: one per core (they share the listening socket). */
  public int eventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  public Path kubeconfigPath() {
    return dataDir.resolve("kubeconfig");
  }
}
