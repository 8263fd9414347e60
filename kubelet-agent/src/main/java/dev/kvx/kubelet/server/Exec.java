package dev.kvx.kubelet.server;

import dev.kvx.kubelet.runtime.ExecConfig;
import dev.kvx.kubelet.runtime.ExecIo;
import dev.kvx.kubelet.runtime.ExecSession;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /exec/{namespace}/{pod}/{container}} over WebSocket, as the kubelet's remotecommand
 * server: binary frames whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4
 * resize). On open an empty frame on the first output channel tells the client the stream is up; at
 * the end channel 3 carries a {@code Status} (v4/v5: JSON, {@code NonZeroExitCode} with the exit
 * code as cause) and the socket closes. v5 adds the close signal {@code 0xff <channel>}: for
 * channel 0 it ends the command's stdin.
 *
 * <p>The command runs on its own thread for as long as it lives (a long {@code exec -it} must not
 * hold a shared worker); frames are written on the socket's context.
 */
final class Exec {
  private static final Logger LOG = LoggerFactory.getLogger(Exec.class);
  private static final byte STDIN = 0;
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte ERROR = 3;
  private static final byte RESIZE = 4;
  private static final byte CLOSE = (byte) 255;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Vertx vertx;
  private final KubeletRoutes.PodLocator locator;

  Exec(Vertx vertx, KubeletRoutes.PodLocator locator) {
    this.vertx = vertx;
    this.locator = locator;
  }

  void handle(RoutingContext ctx) {
    String ns = ctx.pathParam("namespace");
    String podName = ctx.pathParam("pod");
    String container = ctx.pathParam("container");
    List<String> command = ctx.queryParam("command");
    boolean stdin = flag(ctx, "stdin");
    boolean stdout = flag(ctx, "stdout");
    boolean stderr = flag(ctx, "stderr");
    boolean tty = flag(ctx, "tty");
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      KubeletRoutes.plain(ctx, 400, "Upgrade request required");
      return;
    }
    if (command.isEmpty()) {
      KubeletRoutes.plain(ctx, 400, "you must specify at least 1 command");
      return;
    }
    KubeletRoutes.Located located = locator.find(ns, podName);
    if (located == null) {
      KubeletRoutes.plain(
          ctx, 404, "pod \"" + podName + "\" not found in namespace \"" + ns + "\"");
      return;
    }
    ctx.request().pause();
    vertx
        .executeBlocking(() -> located.running(container), false)
        .onComplete(
            found -> {
              if (found.failed() || found.result().isEmpty()) {
                ctx.request().resume();
                KubeletRoutes.plain(ctx, 404, "container not found (\"" + container + "\")");
                return;
              }
              RuntimeContainer target = found.result().get();
              ctx.request()
                  .toWebSocket()
                  .onComplete(
                      upgraded -> {
                        if (upgraded.failed()) {
                          LOG.debug("exec upgrade failed: {}", upgraded.cause().toString());
                          return;
                        }
                        run(
                            upgraded.result(),
                            located,
                            target,
                            new ExecConfig(command, stdin, stdout, stderr && !tty, tty));
                      });
            });
  }

  private void run(
      ServerWebSocket ws,
      KubeletRoutes.Located located,
      RuntimeContainer target,
      ExecConfig config) {
    Context context = vertx.getOrCreateContext();
    String protocol = ws.subProtocol() == null ? "" : ws.subProtocol();
    boolean v5 = protocol.equals("v5.channel.k8s.io");
    boolean jsonStatus = v5 || protocol.equals("v4.channel.k8s.io");
    StdinStream stdin = new StdinStream(ws::pause, () -> context.runOnContext(v -> ws.resume()));
    ExecSession[] session = new ExecSession[1];
    ws.binaryMessageHandler(
        frame -> {
          if (frame.length() == 0) {
            return;
          }
          byte channel = frame.getByte(0);
          byte[] data = frame.getBytes(1, frame.length());
          if (channel == STDIN) {
            stdin.offer(data);
          } else if (channel == RESIZE) {
            resize(session[0], new String(data, StandardCharsets.UTF_8));
          } else if (channel == CLOSE && v5 && data.length > 0 && data[0] == STDIN) {
            stdin.end();
          }
        });
    ws.closeHandler(
        v -> {
          stdin.end();
          ExecSession s = session[0];
          if (s != null) {
            s.close();
          }
        });
    // Tell the client the streams are open: an empty frame on the first output channel.
    byte first = config.stdout() ? STDOUT : config.stderr() ? STDERR : ERROR;
    ws.writeBinaryMessage(Buffer.buffer(new byte[] {first}));

    Thread thread =
        new Thread(
            () -> {
              String status;
              try {
                ExecSession s =
                    located
                        .runtime()
                        .exec(
                            target.id(),
                            config,
                            new ExecIo() {
                              @Override
                              public InputStream stdin() {
                                return config.stdin() ? stdin : null;
                              }

                              @Override
                              public void stdout(byte[] data) {
                                send(context, ws, STDOUT, data);
                              }

                              @Override
                              public void stderr(byte[] data) {
                                send(context, ws, STDERR, data);
                              }
                            });
                session[0] = s;
                Integer exit = s.awaitExit(Duration.ofDays(3650));
                status =
                    exit == null || exit == 0
                        ? success(jsonStatus)
                        : nonZero(jsonStatus, config.command(), exit);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = failure(jsonStatus, "interrupted");
              } catch (RuntimeException e) {
                status = failure(jsonStatus, e.getMessage());
              }
              String end = status;
              context.runOnContext(
                  v -> {
                    if (!ws.isClosed()) {
                      if (!end.isEmpty()) {
                        Buffer frame = Buffer.buffer().appendByte(ERROR).appendString(end);
                        ws.writeBinaryMessage(frame);
                      }
                      ws.close((short) 1000);
                    }
                  });
            },
            "kubelet-exec-" + target.name());
    thread.setDaemon(true);
    thread.start();
  }

  private void resize(ExecSession session, String json) {
    if (session == null) {
      return;
    }
    int width;
    int height;
    try {
      JsonNode size = JSON.readTree(json);
      width = size.path("Width").asInt(0);
      height = size.path("Height").asInt(0);
    } catch (RuntimeException e) {
      return; // not a terminal size
    }
    if (width > 0 && height > 0) {
      vertx.executeBlocking(
          () -> {
            session.resize(width, height);
            return null;
          },
          false);
    }
  }

  private static void send(Context context, ServerWebSocket ws, byte channel, byte[] data) {
    Buffer frame = Buffer.buffer(data.length + 1).appendByte(channel).appendBytes(data);
    context.runOnContext(
        v -> {
          if (!ws.isClosed()) {
            ws.writeBinaryMessage(frame);
          }
        });
  }

  static String success(boolean json) {
    if (!json) {
      return "";
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("metadata", Map.of());
    status.put("status", "Success");
    return JSON.writeValueAsString(status);
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
    return JSON.writeValueAsString(status);
  }

  static String failure(boolean json, String message) {
    String m = message == null ? "internal error" : message;
    if (!json) {
      return m;
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("metadata", Map.of());
    status.put("status", "Failure");
    status.put("message", m);
    status.put("reason", "InternalError");
    status.put("code", 500);
    return JSON.writeValueAsString(status);
  }

  private static boolean flag(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    return "true".equals(v) || "1".equals(v);
  }
}
