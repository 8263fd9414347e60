package dev.kvx.kubelet.server;

import dev.kvx.kubelet.runtime.AttachConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /attach/{namespace}/{pod}[/{uid}]/{container}} over WebSocket, as the kubelet's
 * remotecommand attach ({@code kubectl attach}, {@code kubectl run -i}): the container's main
 * process' streams on {@link RemoteCommandStreams}' channels, from now on (earlier output is in the
 * logs). As upstream's {@code GetAttach}, whether a terminal is used follows the container's spec,
 * not the query (a running process' terminal cannot change), and a container without a running
 * instance is refused with {@code container C not found in pod NAME_NAMESPACE}. The final {@code
 * Status} is {@code Success} once the stream ends (the process exited or the client detached), or
 * an {@code InternalError} "error attaching to container: ..." (upstream's {@code ServeAttach}).
 */
final class Attach {
  private final RemoteCommandStreams streams;

  Attach(Vertx vertx, KubeletRoutes.PodLocator locator) {
    this.streams = new RemoteCommandStreams(vertx, locator);
  }

  void handle(RoutingContext ctx) {
    String container = ctx.pathParam("container");
    RemoteCommandStreams.Options asked = RemoteCommandStreams.Options.of(ctx);
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      KubeletRoutes.plain(ctx, 400, "Upgrade request required");
      return;
    }
    if (!asked.any()) {
      KubeletRoutes.plain(ctx, 400, "you must specify at least 1 of stdin, stdout, stderr");
      return;
    }
    streams.upgrade(
        ctx,
        located ->
            new RemoteCommandStreams.NotRunning(
                500, "container " + container + " not found in pod " + fullName(located.pod())),
        (ws, target) -> {
          boolean tty = specTty(target.located().pod(), container);
          RemoteCommandStreams.Options options =
              new RemoteCommandStreams.Options(
                  asked.stdin(), asked.stdout(), asked.stderr() && !tty, tty);
          AttachConfig config =
              new AttachConfig(options.stdin(), options.stdout(), options.stderr(), tty);
          streams.serve(
              ws,
              options,
              "kubelet-attach-" + target.container().name(),
              io -> target.located().runtime().attach(target.container().id(), config, io),
              new RemoteCommandStreams.Outcome() {
                @Override
                public String ended(Integer exitCode, boolean json) {
                  return RemoteCommandStreams.success(json);
                }

                @Override
                public String failed(RuntimeException e, boolean json) {
                  return RemoteCommandStreams.failure(
                      json,
                      "Internal error occurred: error attaching to container: " + e.getMessage());
                }
              });
        });
  }

  /** The kubelet's pod full name, {@code NAME_NAMESPACE}. */
  static String fullName(Pod pod) {
    return pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace();
  }

  static boolean specTty(Pod pod, String container) {
    if (pod.getSpec() == null) {
      return false;
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getName().equals(container)) {
        return Boolean.TRUE.equals(c.getTty());
      }
    }
    return false;
  }
}
