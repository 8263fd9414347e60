package dev.kvx.kubelet.server;

import dev.kvx.kubelet.pod.PodSpecs;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.LogOptions;
import dev.kvx.kubelet.runtime.LogSink;
import dev.kvx.kubelet.runtime.LogStream;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}: the container's log as chunked {@code
 * text/plain}, as the kubelet serves it. The runtime streams on its own thread; chunks are written
 * on the request's context. Closing the connection stops a followed stream.
 */
final class ContainerLogs {
  private final Vertx vertx;
  private final KubeletRoutes.PodLocator locator;

  ContainerLogs(Vertx vertx, KubeletRoutes.PodLocator locator) {
    this.vertx = vertx;
    this.locator = locator;
  }

  void handle(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    String podName = ctx.pathParam("pod");
    String container = ctx.pathParam("container");
    KubeletRoutes.Located located = locator.find(ns, podName);
    if (located == null) {
      KubeletRoutes.plain(
          ctx, 404, "pod \"" + podName + "\" not found in namespace \"" + ns + "\"");
      return;
    }
    LogOptions options;
    Long limitBytes;
    boolean previous = flag(ctx, "previous");
    try {
      Integer tail =
          ctx.queryParams().contains("tailLines")
              ? Integer.valueOf(ctx.queryParams().get("tailLines"))
              : null;
      Instant since = null;
      if (ctx.queryParams().contains("sinceSeconds")) {
        since = Instant.now().minusSeconds(Long.parseLong(ctx.queryParams().get("sinceSeconds")));
      } else if (ctx.queryParams().contains("sinceTime")) {
        since = Instant.parse(ctx.queryParams().get("sinceTime"));
      }
      limitBytes =
          ctx.queryParams().contains("limitBytes")
              ? Long.valueOf(ctx.queryParams().get("limitBytes"))
              : null;
      options = new LogOptions(flag(ctx, "follow"), tail, since, flag(ctx, "timestamps"));
    } catch (RuntimeException e) {
      KubeletRoutes.plain(ctx, 400, "invalid log options: " + e.getMessage());
      return;
    }
    Context context = vertx.getOrCreateContext();
    HttpServerResponse response = ctx.response();
    vertx
        .executeBlocking(() -> located.instances(container), false)
        .onComplete(
            found -> {
              if (found.failed()) {
                KubeletRoutes.plain(ctx, 500, found.cause().getMessage());
                return;
              }
              List<RuntimeContainer> instances = found.result();
              RuntimeContainer target;
              if (previous) {
                // The pod status' lastState: the newest instance while it waits to restart, else
                // the one before.
                int index =
                    !instances.isEmpty() && restarting(located.pod(), instances.get(0)) ? 0 : 1;
                if (instances.size() <= index) {
                  KubeletRoutes.plain(
                      ctx,
                      400,
                      "previous terminated container \""
                          + container
                          + "\" in pod \""
                          + podName
                          + "\" not found");
                  return;
                }
                target = instances.get(index);
              } else if (instances.isEmpty()) {
                KubeletRoutes.plain(
                    ctx,
                    400,
                    "container \""
                        + container
                        + "\" in pod \""
                        + podName
                        + "\" is waiting to start: ContainerCreating");
                return;
              } else {
                target = instances.get(0);
              }
              response.setChunked(true).setStatusCode(200).putHeader("Content-Type", "text/plain");
              // Headers go out now, not with the first line: `logs -f` of a quiet container must
              // connect (and the API server's proxy answer) before the container writes anything.
              response.writeHead();
              AtomicLong left = new AtomicLong(limitBytes == null ? Long.MAX_VALUE : limitBytes);
              LogStream[] stream = new LogStream[1];
              LogSink sink =
                  new LogSink() {
                    @Override
                    public void chunk(byte[] data, boolean stderr) {
                      long room = left.get();
                      if (room <= 0) {
                        return;
                      }
                      int n = (int) Math.min(room, data.length);
                      left.addAndGet(-n);
                      Buffer chunk = Buffer.buffer(n).appendBytes(data, 0, n);
                      context.runOnContext(
                          v -> {
                            if (!response.ended() && !response.closed()) {
                              response.write(chunk);
                            }
                          });
                      if (left.get() <= 0 && stream[0] != null) {
                        stream[0].close();
                      }
                    }

                    @Override
                    public void end(Throwable error) {
                      context.runOnContext(
                          v -> {
                            if (!response.ended() && !response.closed()) {
                              response.end();
                            }
                          });
                    }
                  };
              vertx
                  .executeBlocking(() -> located.runtime().logs(target.id(), options, sink), false)
                  .onComplete(
                      s -> {
                        if (s.failed()) {
                          if (!response.ended()) {
                            response.end();
                          }
                          return;
                        }
                        stream[0] = s.result();
                        response.closeHandler(v -> s.result().close());
                      });
            });
  }

  /** Whether an exited instance is to be restarted (its status then shows it as last state). */
  private static boolean restarting(Pod pod, RuntimeContainer latest) {
    if (latest.state() != ContainerState.EXITED || PodSpecs.isTerminal(pod)) {
      return false;
    }
    String policy = PodSpecs.restartPolicy(pod);
    return PodSpecs.ALWAYS.equals(policy)
        || (PodSpecs.ON_FAILURE.equals(policy)
            && (latest.exitCode() == null || latest.exitCode() != 0));
  }

  private static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return "true".equals(v) || "1".equals(v);
  }
}
