package dev.kvx.kubelet.server;

import dev.kvx.kubelet.runtime.ExecConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /exec/{namespace}/{pod}[/{uid}]/{container}?command=...} over WebSocket, as the kubelet's
 * remotecommand exec: the command runs in the container's running instance, its streams on {@link
 * RemoteCommandStreams}' channels; the final {@code Status} is {@code Success}, or {@code
 * NonZeroExitCode} with the exit code as cause (v4/v5).
 */
final class Exec {
  private final RemoteCommandStreams streams;

  Exec(Vertx vertx, KubeletRoutes.PodLocator locator) {
    this.streams = new RemoteCommandStreams(vertx, locator);
  }

  void handle(RoutingContext ctx) {
    String container = ctx.pathParam("container");
    List<String> command = ctx.queryParam("command");
    RemoteCommandStreams.Options options = RemoteCommandStreams.Options.of(ctx);
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      KubeletRoutes.plain(ctx, 400, "Upgrade request required");
      return;
    }
    if (command.isEmpty()) {
      KubeletRoutes.plain(ctx, 400, "you must specify at least 1 command");
      return;
    }
    ExecConfig config =
        new ExecConfig(command, options.stdin(), options.stdout(), options.stderr(), options.tty());
    streams.upgrade(
        ctx,
        located ->
            new RemoteCommandStreams.NotRunning(404, "container not found (\"" + container + "\")"),
        (ws, target) ->
            streams.serve(
                ws,
                options,
                "kubelet-exec-" + target.container().name(),
                io -> target.located().runtime().exec(target.container().id(), config, io),
                new RemoteCommandStreams.Outcome() {
                  @Override
                  public String ended(Integer exit, boolean json) {
                    return exit == null || exit == 0
                        ? RemoteCommandStreams.success(json)
                        : nonZero(json, command, exit);
                  }

                  @Override
                  public String failed(RuntimeException e, boolean json) {
                    return RemoteCommandStreams.failure(json, e.getMessage());
                  }
                }));
  }

  static String nonZero(boolean json, List<String> command, int exit) {
    String message =
        "command terminated with non-zero exit code: error executing command "
            + command
            + ", exit code "
            + exit;
    if (!json) {
      return message;
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", "NonZeroExitCode");
    Map<String, Object> cause = new LinkedHashMap<>();
    cause.put("reason", "ExitCode");
    cause.put("message", Integer.toString(exit));
    status.put("details", Map.of("causes", List.of(cause)));
    return RemoteCommandStreams.json(status);
  }
}
