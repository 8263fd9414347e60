package dev.kvx.launcher.up;

import java.util.List;

/**
 * What {@code cluster.json} records about the cluster of a data dir: written by the cluster
 * process once every node is Ready, read by {@code kvx up} (which waits for the record of its
 * child's pid, and reuses the settings on the next start), {@code kvx status} and {@code kvx down}.
 *
 * @param pid the process running the cluster
 * @param apiServer the API server's URL
 * @param port its port
 * @param nodes the node names
 * @param runtime {@code docker} or {@code simulated}
 * @param etcdServers etcd URLs; empty for the embedded store
 * @param kubeconfig the admin kubeconfig
 * @param readyMillis how long the start took, until every node was Ready
 * @param readyCpuMillis the CPU time the process had used by then (its JIT and GC threads included)
 * @param schedulerPort the scheduler's port as asked for (0: a free one); null in older files
 * @param controllerManagerPort the controller manager's, likewise
 */
public record ClusterState(
    long pid,
    String apiServer,
    int port,
    List<String> nodes,
    String runtime,
    List<String> etcdServers,
    String kubeconfig,
    long readyMillis,
    long readyCpuMillis,
    Integer schedulerPort,
    Integer controllerManagerPort) {

  public ClusterState {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    etcdServers = etcdServers == null ? List.of() : List.copyOf(etcdServers);
  }
}
