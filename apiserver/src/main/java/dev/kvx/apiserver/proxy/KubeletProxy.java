package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.auth.Pki;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.ObjectStore;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.stream.Stream;

/**
 * The pod subresources served by the pod's kubelet, as kube-apiserver's LogREST, ExecREST,
 * AttachREST and PortForwardREST: {@code GET pods/NAME/log}, {@code GET|POST pods/NAME/exec|attach}
 * and {@code GET|POST pods/NAME/portforward} ({@link PortForwardProxy}). Each reads the pod (404 if
 * missing), picks the container ({@link PodContainers}), finds its node's kubelet ({@link
 * NodeConnection}) and proxies there with the API server's kubelet-client certificate. A pod not
 * yet on a node gets an empty log (204, as upstream's null location stream) and a 400 for exec and
 * attach.
 *
 * <p>Register it with {@link ResourceHandler#addSubresource}; the HTTP server must offer {@link
 * #WEBSOCKET_SUBPROTOCOLS} for WebSocket clients to get their sub-protocol echoed.
 */
public final class KubeletProxy implements ResourceHandler.SubresourceHandler {

  /**
   * The WebSocket sub-protocols of exec, attach and portforward (SPDY tunneled in WebSocket), for
   * the server's options.
   */
  public static final List<String> WEBSOCKET_SUBPROTOCOLS =
      Stream.concat(StreamProtocols.WEBSOCKET.stream(), PortForwardProxy.WEBSOCKET.stream())
          .distinct()
          .toList();

  private final ResourceType nodes;
  private final PodLogs logs;
  private final RemoteCommandProxy remoteCommands;
  private final PortForwardProxy portForwards;

  /**
   * Issues the API server's kubelet-client certificate from the cluster CA (CPU work: construct off
   * the event loop).
   */
  public KubeletProxy(Vertx vertx, ResourceRegistry registry, Pki pki) {
    this.nodes = registry.find("", "v1", "nodes").orElseThrow();
    KubeletClients clients =
        new KubeletClients(
            vertx, pki.issueClientCertificate(KubeletClients.USER, List.of("system:masters")));
    this.logs = new PodLogs(clients);
    this.remoteCommands = new RemoteCommandProxy(vertx, clients);
    this.portForwards = new PortForwardProxy(clients);
  }

  @Override
  public boolean handle(
      RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    String sub = info.subresource();
    if (!type.group().isEmpty()
        || !type.kind().equals("Pod")
        || !("log".equals(sub)
            || "exec".equals(sub)
            || "attach".equals(sub)
            || "portforward".equals(sub))) {
      return false;
    }
    if ("portforward".equals(sub)) {
      portForward(rc, info, type, resources);
      return true;
    }
    boolean log = "log".equals(sub);
    if (log
        ? !info.verb().equals("get")
        : !(info.verb().equals("get") || info.verb().equals("create"))) {
      throw Statuses.methodNotSupported("", "pods/" + sub, info.verb());
    }
    String ns = info.namespace();
    String name = info.name();
    // Options first: a bad query is answered without reading the pod, as upstream decodes first.
    PodLogOptions logOptions = log ? PodLogOptions.parse(rc.queryParams(), name) : null;
    StreamOptions streamOptions = log ? null : StreamOptions.parse(rc.queryParams());
    if (!log) {
      // Nothing may be read from the connection before it is upgraded (or refused).
      rc.request().pause();
    }
    ObjectStore store = resources.operations().store();
    store
        .get(type, ns, name)
        .compose(
            pod -> {
              String container =
                  PodContainers.resolve(
                      pod, log ? logOptions.container() : streamOptions.container());
              String nodeName = PodContainers.nodeName(pod);
              if (nodeName == null) {
                if (log) {
                  return Future.succeededFuture(new Target(container, null));
                }
                throw Statuses.badRequest("pod " + name + " does not have a host assigned");
              }
              return store
                  .get(nodes, null, nodeName)
                  .map(node -> new Target(container, NodeConnection.of(node)));
            })
        .onSuccess(
            target -> {
              if (log && target.node() == null) {
                rc.response().setStatusCode(204).end();
              } else if (log) {
                logs.stream(rc, target.node(), ns, name, target.container(), logOptions);
              } else {
                remoteCommands.connect(
                    rc, sub, target.node(), ns, name, target.container(), streamOptions);
              }
            })
        .onFailure(
            e -> {
              if (!log) {
                rc.request().resume();
              }
              Responses.error(rc, e);
            });
    return true;
  }

  /**
   * As upstream's PortForwardLocation: the pod must exist (404) and be bound to a node (400); its
   * phase is not checked here (kubectl checks Running itself), nor is a container chosen.
   */
  private void portForward(
      RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources) {
    if (!(info.verb().equals("get") || info.verb().equals("create"))) {
      throw Statuses.methodNotSupported("", "pods/portforward", info.verb());
    }
    String ns = info.namespace();
    String name = info.name();
    rc.request().pause();
    ObjectStore store = resources.operations().store();
    store
        .get(type, ns, name)
        .compose(
            pod -> {
              String nodeName = PodContainers.nodeName(pod);
              if (nodeName == null) {
                throw Statuses.badRequest("pod " + name + " does not have a host assigned");
              }
              return store.get(nodes, null, nodeName).map(NodeConnection::of);
            })
        .onSuccess(node -> portForwards.connect(rc, node, ns, name))
        .onFailure(
            e -> {
              rc.request().resume();
              Responses.error(rc, e);
            });
  }

  private record Target(String container, NodeConnection node) {}
}
