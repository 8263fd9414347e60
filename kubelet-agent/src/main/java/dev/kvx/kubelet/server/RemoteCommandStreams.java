package dev.kvx.kubelet.server;

import dev.kvx.kubelet.pod.PodSpecs;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kubelet's remotecommand streams over one WebSocket, shared by {@link Exec} and {@link Attach}
 * (upstream's {@code createStreams} and {@code writeStatus}): binary frames whose first byte is the
 * channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize). On open an empty frame on the first
 * output channel tells the client the streams are up; at the end channel 3 carries a {@code Status}
 * (v4/v5: JSON; older protocols: the message alone, nothing on success) and the socket closes. v5
 * adds the close signal {@code 0xff <channel>}: for channel 0 it ends the process' stdin.
 *
 * <p>The runtime session lives on its own thread for as long as it lasts (a long {@code exec -it}
 * or {@code attach} must not hold a shared worker); frames are written on the socket's context.
 */
final class RemoteCommandStreams {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteCommandStreams.class);
  private static final byte STDIN = 0;
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte ERROR = 3;
  private static final byte RESIZE = 4;
  private static final byte CLOSE = (byte) 255;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * The streams a request asks for, as upstream's {@code NewOptions}: flags are {@code 1} (the API
   * server's form) or {@code true}; a TTY merges stderr into stdout.
   */
  record Options(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    static Options of(RoutingContext ctx) {
      boolean tty = flag(ctx, "tty");
      return new Options(flag(ctx, "stdin"), flag(ctx, "stdout"), flag(ctx, "stderr") && !tty, tty);
    }

    boolean any() {
      return stdin || stdout || stderr;
    }

    private static boolean flag(RoutingContext ctx, String name) {
      String v = ctx.queryParams().get(name);
      return "true".equals(v) || "1".equals(v);
    }
  }

  /** Starts the runtime side once the socket is up (on the session's own thread; may block). */
  @FunctionalInterface
  interface Start {
    ExecSession start(ExecIo io);
  }

  /** The status that ends a session, for the negotiated protocol ({@code json}: v4 and later). */
  interface Outcome {
    /** The session ended; {@code exitCode} as {@link ExecSession#awaitExit} gave it. */
    String ended(Integer exitCode, boolean json);

    /** The runtime refused or failed. */
    String failed(RuntimeException e, boolean json);
  }

  /** What to answer when the container has no running instance (before any upgrade). */
  record NotRunning(int status, String message) {}

  /** The pod and its running container a request is about. */
  record Target(KubeletRoutes.Located located, RuntimeContainer container) {}

  /** The socket, once upgraded, and what it is about. */
  @FunctionalInterface
  interface Upgraded {
    void accept(ServerWebSocket ws, Target target);
  }

  private final Vertx vertx;
  private final KubeletRoutes.PodLocator locator;

  RemoteCommandStreams(Vertx vertx, KubeletRoutes.PodLocator locator) {
    this.vertx = vertx;
    this.locator = locator;
  }

  /**
   * Checks what every remotecommand request needs before the upgrade (a WebSocket upgrade, the pod
   * on this node with the UID when given, a running instance of the container, looked up on a
   * worker) and answers plain text when one is missing; otherwise upgrades and hands the socket on.
   * {@code notRunning} words the refusal of a container without a running instance.
   */
  void upgrade(
      RoutingContext ctx, Function<KubeletRoutes.Located, NotRunning> notRunning, Upgraded then) {
    String ns = ctx.pathParam("namespace");
    String podName = ctx.pathParam("pod");
    String uid = ctx.pathParam("uid");
    String container = ctx.pathParam("container");
    KubeletRoutes.Located located = locator.find(ns, podName);
    if (located == null || (uid != null && !uid.equals(PodSpecs.uid(located.pod())))) {
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
                NotRunning refusal = notRunning.apply(located);
                KubeletRoutes.plain(ctx, refusal.status(), refusal.message());
                return;
              }
              RuntimeContainer target = found.result().get();
              ctx.request()
                  .toWebSocket()
                  .onComplete(
                      upgraded -> {
                        if (upgraded.failed()) {
                          LOG.debug("upgrade failed: {}", upgraded.cause().toString());
                          return;
                        }
                        then.accept(upgraded.result(), new Target(located, target));
                      });
            });
  }

  /** Runs one session on {@code ws} until the runtime's stream ends or the client goes away. */
  void serve(ServerWebSocket ws, Options options, String threadName, Start start, Outcome outcome) {
    Context context = vertx.getOrCreateContext();
    String protocol = ws.subProtocol() == null ? "" : ws.subProtocol();
    boolean v5 = protocol.equals("v5.channel.k8s.io");
    boolean jsonStatus = v5 || protocol.equals("v4.channel.k8s.io");
    StdinStream stdin = new StdinStream(ws::pause, () -> context.runOnContext(v -> ws.resume()));
    AtomicReference<ExecSession> session = new AtomicReference<>();
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
            resize(session.get(), new String(data, StandardCharsets.UTF_8));
          } else if (channel == CLOSE && v5 && data.length > 0 && data[0] == STDIN) {
            stdin.end();
          }
        });
    ws.closeHandler(
        v -> {
          stdin.end();
          ExecSession s = session.get();
          if (s != null) {
            s.close();
          }
        });
    // Tell the client the streams are open: an empty frame on the first output channel.
    byte first = options.stdout() ? STDOUT : options.stderr() ? STDERR : ERROR;
    ws.writeBinaryMessage(Buffer.buffer(new byte[] {first}));
    ExecIo io =
        new ExecIo() {
          @Override
          public InputStream stdin() {
            return options.stdin() ? stdin : null;
          }

          @Override
          public void stdout(byte[] data) {
            send(context, ws, STDOUT, data);
          }

          @Override
          public void stderr(byte[] data) {
            send(context, ws, STDERR, data);
          }
        };
    Thread thread =
        new Thread(
            () -> {
              String status;
              try {
                ExecSession s = start.start(io);
                session.set(s);
                if (ws.isClosed()) {
                  s.close(); // the client left while the runtime was starting
                }
                status = outcome.ended(s.awaitExit(Duration.ofDays(3650)), jsonStatus);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = failure(jsonStatus, "interrupted");
              } catch (RuntimeException e) {
                status = outcome.failed(e, jsonStatus);
              }
              String end = status;
              context.runOnContext(
                  v -> {
                    if (!ws.isClosed()) {
                      if (!end.isEmpty()) {
                        ws.writeBinaryMessage(Buffer.buffer().appendByte(ERROR).appendString(end));
                      }
                      ws.close((short) 1000);
                    }
                  });
            },
            threadName);
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

  /** {@code Success} (v4+), nothing on older protocols. */
  static String success(boolean json) {
    if (!json) {
      return "";
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("metadata", Map.of());
    status.put("status", "Success");
    return JSON.writeValueAsString(status);
  }

  /** An {@code InternalError} (v4+) or the bare message. */
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

  static String json(Map<String, Object> status) {
    return JSON.writeValueAsString(status);
  }
}
