package dev.kvx.kubelet.prober;

import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ExecResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ExecAction;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.TCPSocketAction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs probe and lifecycle-hook actions against a container, as the kubelet's prober and handler
 * runner: {@code exec} in the container (exit 0 succeeds), {@code httpGet} to the pod IP (a status
 * from 200 to 399 succeeds; HTTPS is not verified), {@code tcpSocket} (a connection succeeds) and a
 * hook's {@code sleep}. Blocking, bounded by the timeout: call it from probe or pod worker threads.
 */
public final class HandlerRunner {
  static final String USER_AGENT = "kube-probe/1.32";

  /** What an action did: success, and a message for events when it failed. */
  public record Outcome(boolean success, String message) {
    static Outcome ok() {
      return new Outcome(true, "");
    }

    static Outcome failed(String message) {
      return new Outcome(false, message);
    }
  }

  private final ContainerRuntime runtime;
  private final HttpClient http;
  private final HttpClient https;

  public HandlerRunner(ContainerRuntime runtime) {
    this.runtime = runtime;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.https =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(trustAll())
            .build();
  }

  /** Runs a probe's action. */
  public Outcome probe(Probe p, String podIp, Container c, String containerId, Duration timeout) {
    if (p.getExec() != null) {
      return exec(containerId, p.getExec(), timeout);
    }
    if (p.getHttpGet() != null) {
      return httpGet(p.getHttpGet(), podIp, c, timeout);
    }
    if (p.getTcpSocket() != null) {
      return tcp(p.getTcpSocket(), podIp, c, timeout);
    }
    if (p.getGrpc() != null) {
      return tcp(
          new TCPSocketAction(null, new IntOrString(p.getGrpc().getPort())), podIp, c, timeout);
    }
    return Outcome.failed("probe has no action");
  }

  /** Runs a postStart or preStop handler. */
  public Outcome hook(
      LifecycleHandler h, String podIp, Container c, String containerId, Duration timeout) {
    if (h.getExec() != null) {
      return exec(containerId, h.getExec(), timeout);
    }
    if (h.getHttpGet() != null) {
      return httpGet(h.getHttpGet(), podIp, c, timeout);
    }
    if (h.getTcpSocket() != null) {
      return tcp(h.getTcpSocket(), podIp, c, timeout);
    }
    if (h.getSleep() != null && h.getSleep().getSeconds() != null) {
      try {
        Thread.sleep(Math.min(timeout.toMillis(), h.getSleep().getSeconds() * 1000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Outcome.ok();
    }
    return Outcome.failed("handler has no action");
  }

  private Outcome exec(String containerId, ExecAction a, Duration timeout) {
    List<String> command = a.getCommand() == null ? List.of() : a.getCommand();
    try {
      ExecResult r = runtime.execSync(containerId, command, timeout);
      if (r.timedOut()) {
        return Outcome.failed("command " + quoted(command) + " timed out");
      }
      return r.exitCode() == 0 ? Outcome.ok() : Outcome.failed(r.output().strip());
    } catch (RuntimeException e) {
      return Outcome.failed(e.getMessage());
    }
  }

  private Outcome httpGet(HTTPGetAction a, String podIp, Container c, Duration timeout) {
    String scheme =
        a.getScheme() == null || a.getScheme().isEmpty() ? "http" : a.getScheme().toLowerCase();
    String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
    int port;
    try {
      port = port(a.getPort(), c);
    } catch (IllegalArgumentException e) {
      return Outcome.failed(e.getMessage());
    }
    String path = a.getPath() == null || a.getPath().isEmpty() ? "/" : a.getPath();
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    String url = scheme + "://" + hostForUrl(host) + ":" + port + path;
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .GET()
              .header("User-Agent", USER_AGENT)
              .header("Accept", "*/*");
      if (a.getHttpHeaders() != null) {
        for (HTTPHeader h : a.getHttpHeaders()) {
          request.setHeader(h.getName(), h.getValue());
        }
      }
      HttpResponse<Void> response =
          ("https".equals(scheme) ? https : http)
              .send(request.build(), HttpResponse.BodyHandlers.discarding());
      int code = response.statusCode();
      return code >= 200 && code < 400
          ? Outcome.ok()
          : Outcome.failed("HTTP probe failed with statuscode: " + code);
    } catch (IOException | IllegalArgumentException e) {
      return Outcome.failed("Get \"" + url + "\": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.failed("interrupted");
    }
  }

  private Outcome tcp(TCPSocketAction a, String podIp, Container c, Duration timeout) {
    String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
    int port;
    try {
      port = port(a.getPort(), c);
    } catch (IllegalArgumentException e) {
      return Outcome.failed(e.getMessage());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      return Outcome.ok();
    } catch (IOException e) {
      return Outcome.failed("dial tcp " + host + ":" + port + ": " + describe(e));
    }
  }

  /** A port number, or a container port's name. */
  static int port(IntOrString port, Container c) {
    if (port == null) {
      throw new IllegalArgumentException("no port given");
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal();
    if (c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "couldn't find port: " + name + " in container " + c.getName());
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    if (e instanceof java.net.ConnectException) {
      return "connect: connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException
        || e instanceof java.net.SocketTimeoutException) {
      return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
    }
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static String hostForUrl(String host) {
    return host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String quoted(List<String> command) {
    return "\"" + String.join(" ", command) + "\"";
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          new SecureRandom());
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
