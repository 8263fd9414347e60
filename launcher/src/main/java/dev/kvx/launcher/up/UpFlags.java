package dev.kvx.launcher.up;

import dev.kvx.launcher.cluster.LocalCluster;
import java.util.List;

/** The flags of {@code kvx up} as given; null (or empty) where not given. */
public record UpFlags(
    Integer nodes,
    LocalCluster.Runtime runtime,
    List<String> etcdServers,
    Integer port,
    String nodeNamePrefix,
    Integer schedulerPort,
    Integer controllerManagerPort) {

  /** No flag given. */
  public static UpFlags none() {
    return new UpFlags(null, null, null, null, null, null, null);
  }
}
