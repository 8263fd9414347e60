package dev.kvx.kubelet.server;

import dev.kvx.kubelet.pod.PodSpecs;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's own routes on the agent's HTTPS port, under the kubelet's paths (the API server
 * proxies {@code pods/log}, {@code pods/exec}, {@code pods/attach} and {@code pods/portforward}
 * here):
 *
 * <ul>
 *   <li>{@code GET /containerLogs/{namespace}/{pod}/{container}} with {@code follow}, {@code
 *       tailLines}, {@code sinceSeconds}, {@code sinceTime}, {@code timestamps}, {@code previous},
 *       {@code limitBytes};
 *   <li>{@code GET|POST /exec/{namespace}/{pod}/{container}} (also with the pod UID before the
 *       container) with {@code command} (repeated), {@code stdin}, {@code stdout}, {@code stderr},
 *       {@code tty}: a WebSocket speaking {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io};
 *   <li>{@code GET|POST /attach/{namespace}/{pod}/{container}} (also with the pod UID) with {@code
 *       stdin}, {@code stdout}, {@code stderr}: the container's main process on the same WebSocket
 *       channels ({@link Attach});
 *   <li>{@code GET /portForward/{namespace}/{pod}} (also with the pod UID) with {@code ports}: a
 *       WebSocket speaking the kubelet's port-forward channels ({@link PortForward}).
 * </ul>
 *
 * All need a client certificate from the cluster CA.
 */
public final class KubeletRoutes {

  /** A pod found on one of the process' nodes, and that node's runtime. */
  public record Located(Pod pod, ContainerRuntime runtime) {
    /** The container's instances in the runtime, newest first (blocking). */
    public List<RuntimeContainer> instances(String container) {
      return runtime
          .listContainers(
              Map.of(
                  RuntimeLabels.POD_UID,
                  PodSpecs.uid(pod),
                  RuntimeLabels.CONTAINER_NAME,
                  container))
          .stream()
          .sorted(
              (a, b) -> {
                int byAttempt = Integer.compare(b.attempt(), a.attempt());
                return byAttempt != 0 ? byAttempt : compareCreated(b, a);
              })
          .toList();
    }

    public Optional<RuntimeContainer> running(String container) {
      return instances(container).stream().filter(RuntimeContainer::running).findFirst();
    }

    private static int compareCreated(RuntimeContainer a, RuntimeContainer b) {
      if (a.createdAt() == null || b.createdAt() == null) {
        return 0;
      }
      return a.createdAt().compareTo(b.createdAt());
    }
  }

  /** Finds a pod by namespace and name among the process' nodes (non-blocking). */
  @FunctionalInterface
  public interface PodLocator {
    Located find(String namespace, String name);
  }

  private KubeletRoutes() {}

  public static void mount(Router router, Vertx vertx, PodLocator locator) {
    ContainerLogs logs = new ContainerLogs(vertx, locator);
    Exec exec = new Exec(vertx, locator);
    Attach attach = new Attach(vertx, locator);
    PortForward portForward = new PortForward(vertx, locator, PodAddresses.fromRuntime());
    router.route("/containerLogs/*").handler(KubeletServer::requireClientCertificate);
    router.route("/exec/*").handler(KubeletServer::requireClientCertificate);
    router.route("/attach/*").handler(KubeletServer::requireClientCertificate);
    router.route("/portForward/*").handler(KubeletServer::requireClientCertificate);
    router.get("/containerLogs/:namespace/:pod/:container").handler(logs::handle);
    router.route("/exec/:namespace/:pod/:container").handler(exec::handle);
    router.route("/exec/:namespace/:pod/:uid/:container").handler(exec::handle);
    router.route("/attach/:namespace/:pod/:container").handler(attach::handle);
    router.route("/attach/:namespace/:pod/:uid/:container").handler(attach::handle);
    router.route("/portForward/:namespace/:pod").handler(portForward::handle);
    router.route("/portForward/:namespace/:pod/:uid").handler(portForward::handle);
  }

  static void plain(RoutingContext ctx, int status, String body) {
    if (!ctx.response().ended()) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(body);
    }
  }
}
