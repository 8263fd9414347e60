package dev.kvx.e2e.prometheus;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) as a child process on a free loopback
 * port with its own data dir, and the parts of its HTTP API a test asks: targets and instant
 * queries. Blocking; for test threads.
 */
final class PrometheusServer implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final Path log;
  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, Path log, URI base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  /**
   * Starts Prometheus on {@code config} with its data and log under {@code dir} and waits (at most
   * {@code timeout}) until it answers {@code /-/ready}.
   */
  static PrometheusServer start(Path binary, Path config, Path dir, Duration timeout)
      throws IOException {
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Files.createDirectories(dir.resolve("data"));
    Process p =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    // Nothing of the default /usr/share/prometheus console templates is needed.
                    "--web.console.templates=" + dir,
                    "--web.console.libraries=" + dir))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    PrometheusServer server = new PrometheusServer(p, log, URI.create("http://127.0.0.1:" + port));
    try {
      await("Prometheus ready on port " + port)
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .failFast("Prometheus exited", () -> !p.isAlive())
          .until(server::ready);
    } catch (RuntimeException | Error e) {
      server.close();
      throw new AssertionError(e.getMessage() + "\nPrometheus' log:\n" + server.log(), e);
    }
    return server;
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code /api/v1/targets?state=active}: {@code data.activeTargets}. */
  JsonNode activeTargets() throws IOException {
    return api("/api/v1/targets?state=active").at("/data/activeTargets");
  }

  /** An instant query: {@code data.result}, a vector of {@code {metric, value}}. */
  JsonNode query(String promql) throws IOException {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
        .at("/data/result");
  }

  private JsonNode api(String pathAndQuery) throws IOException {
    HttpResponse<String> r = get(pathAndQuery);
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
      throw new IOException("GET " + pathAndQuery + ": " + r.statusCode() + " " + r.body());
    }
    return body;
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** What Prometheus logged so far, for failure messages. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
