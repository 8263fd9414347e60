package dev.kvx.apiserver.storage.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway single-member etcd: the real {@code etcd} binary (Debian's etcd-server) on free
 * loopback ports with a temporary data directory, for tests, e2e clusters and benchmarks. {@link
 * #start()} blocks until etcd answers its health check; {@link #close()} kills it and deletes its
 * files. A JVM shutdown hook kills it too, so a crashed test run leaves no etcd.
 */
public final class LocalEtcd implements AutoCloseable {

  /** Where Debian installs etcd; override with the {@code KVX_ETCD_BINARY} environment variable. */
  public static final String DEFAULT_BINARY = "/usr/bin/etcd";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final Path baseDir;
  private final String clientUrl;
  private final Thread shutdownHook;

  private LocalEtcd(Process process, Path baseDir, String clientUrl) {
    this.process = process;
    this.baseDir = baseDir;
    this.clientUrl = clientUrl;
    this.shutdownHook = new Thread(process::destroyForcibly, "local-etcd-reaper");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The etcd binary this class runs. */
  public static Path binary() {
    String env = System.getenv("KVX_ETCD_BINARY");
    return Paths.get(env != null && !env.isBlank() ? env : DEFAULT_BINARY);
  }

  /** Whether the etcd binary is installed here. */
  public static boolean available() {
    return Files.isExecutable(binary());
  }

  /** Starts etcd and waits until it is healthy. Blocks (up to about 30 s). */
  public static LocalEtcd start() {
    if (!available()) {
      throw new IllegalStateException(
          "etcd not found at " + binary() + " (apt-get install etcd-server)");
    }
    IOException last = null;
    // Ports are picked free but not reserved; another process may grab one first: retry.
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return tryStart();
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("etcd did not start", last);
  }

  private static LocalEtcd tryStart() throws IOException {
    Path base = Files.createTempDirectory("kvx-etcd-");
    int clientPort = freePort();
    int peerPort = freePort();
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    Path log = base.resolve("etcd.log");
    Process p =
        new ProcessBuilder(
                List.of(
                    binary().toString(),
                    "--name",
                    "kvx",
                    "--data-dir",
                    base.resolve("data").toString(),
                    "--listen-client-urls",
                    client,
                    "--advertise-client-urls",
                    client,
                    "--listen-peer-urls",
                    peer,
                    "--initial-advertise-peer-urls",
                    peer,
                    "--initial-cluster",
                    "kvx=" + peer,
                    // One member on loopback: elect at once instead of after a second.
                    "--heartbeat-interval",
                    "20",
                    "--election-timeout",
                    "200",
                    "--logger",
                    "zap",
                    "--log-level",
                    "warn"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LocalEtcd etcd = new LocalEtcd(p, base, client);
    try {
      etcd.awaitHealthy(log);
      return etcd;
    } catch (IOException | RuntimeException e) {
      etcd.close();
      throw e;
    }
  }

  private void awaitHealthy(Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(clientUrl + "/health"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ":\n" + tail(log));
      }
      try {
        HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for etcd", e);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for etcd", e);
      }
    }
    throw new IllegalStateException(
        "etcd not healthy after " + START_TIMEOUT.toSeconds() + "s:\n" + tail(log));
  }

  /** The client URL, e.g. {@code http://127.0.0.1:41234}. */
  public String clientUrl() {
    return clientUrl;
  }

  /** The process id, e.g. to stop or kill it in a failure test. */
  public long pid() {
    return process.pid();
  }

  /** Stops etcd (SIGTERM, then SIGKILL after 5 s) and deletes its files. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    deleteRecursively(baseDir);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temp dir
    }
  }
}
