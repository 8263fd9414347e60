package dev.kvx.launcher.up;

import dev.kvx.component.KubeClients;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The action of {@code kvx status}: whether a cluster runs on the data dir, its API server and
 * whether it is ready, and its nodes with their readiness, read through the API like {@code kubectl
 * get nodes}. Exit code 0 when it runs, 1 when it does not (or its API does not answer).
 */
public final class ShowStatus {

  private final ClusterFiles files;
  private final PrintStream out;

  public ShowStatus(ClusterFiles files, PrintStream out) {
    this.files = files;
    this.out = out;
  }

  public int run() {
    OptionalLong pid = files.runningPid();
    Optional<ClusterState> state = files.readState();
    if (pid.isEmpty()) {
      out.println("kvx is not running (data dir " + files.dataDir() + ")");
      state.ifPresent(
          s ->
              out.printf(
                  "Last started with %d node(s) on the %s runtime; kvx up starts it again%n",
                  s.nodes().size(), s.runtime()));
      return 1;
    }
    out.printf("kvx is running (pid %d, data dir %s)%n", pid.getAsLong(), files.dataDir());
    if (state.isEmpty() || state.get().pid() != pid.getAsLong()) {
      out.println("It is still starting; see " + files.log());
      return 0;
    }
    ClusterState s = state.get();
    out.println("kubeconfig: " + s.kubeconfig());
    try (KubernetesClient client =
        KubeClients.fromKubeconfig(java.nio.file.Path.of(s.kubeconfig()), "kvx-status")) {
      String readyz;
      try {
        readyz = client.raw("/readyz");
      } catch (RuntimeException e) {
        readyz = null;
      }
      boolean ready = readyz != null && "ok".equals(readyz.strip());
      out.printf("API server: %s (%s)%n", s.apiServer(), ready ? "ready" : "not ready");
      List<Node> nodes = client.nodes().list().getItems();
      out.printf("%-24s %-10s %s%n", "NODE", "STATUS", "RUNTIME");
      nodes.stream()
          .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
          .forEach(
              n ->
                  out.printf(
                      "%-24s %-10s %s%n",
                      n.getMetadata().getName(),
                      readiness(n),
                      n.getStatus() == null || n.getStatus().getNodeInfo() == null
                          ? ""
                          : n.getStatus().getNodeInfo().getContainerRuntimeVersion()));
      return ready ? 0 : 1;
    } catch (RuntimeException e) {
      out.println("API server: " + s.apiServer() + " does not answer: " + e.getMessage());
      return 1;
    }
  }

  private static String readiness(Node n) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return "Unknown";
    }
    return n.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .map(c -> "True".equals(c.getStatus()) ? "Ready" : "NotReady")
        .orElse("Unknown");
  }
}
