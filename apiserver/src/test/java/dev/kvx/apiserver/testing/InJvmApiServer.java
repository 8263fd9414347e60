package dev.kvx.apiserver.testing;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-JVM kvx API server for component tests: its own Vert.x, HTTPS on a free port, the PKI and
 * the admin kubeconfig in a fresh temp dir. Registered on a static field it serves the whole test
 * class (its tests then keep apart by name or namespace); on an instance field a fresh one serves
 * each test. Nothing is shared between instances, so test classes may run concurrently.
 *
 * <pre>{@code
 * @RegisterExtension static final InJvmApiServer api = new InJvmApiServer();
 * ... api.client().pods().inNamespace("default")...
 * }</pre>
 *
 * <p>Not thread-safe: JUnit calls the callbacks, and the tests of one class run, one at a time.
 */
public class InJvmApiServer
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final Function<Path, ApiServerOptions> options;
  private boolean perClass;
  private Path dir;
  private Vertx vertx;
  private ApiServer server;
  private KubernetesClient client;

  /** A server on the in-memory store: the fastest start, nothing survives {@link #restart()}. */
  public InJvmApiServer() {
    this(ApiServerOptions::forTest);
  }

  private InJvmApiServer(Function<Path, ApiServerOptions> options) {
    this.options = options;
  }

  /** A server on the embedded store persisted under its data dir, so objects outlive a restart. */
  public static InJvmApiServer onDisk() {
    return new InJvmApiServer(data -> new ApiServerOptions(data, List.of(), 0, "127.0.0.1", false, null));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    perClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    // On an instance field beforeAll is never called: each test gets its own server.
    if (server == null) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  private void start() throws IOException {
    dir = Files.createTempDirectory("kvx-apiserver-test-");
    vertx = Vertx.vertx();
    server = ApiServer.start(vertx, options.apply(dir.resolve("server"))).await();
  }

  private synchronized void stop() {
    try {
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      client = null;
      server = null;
      vertx = null;
      deleteRecursively(dir);
    }
  }

  /**
   * Closes the server and starts it again on the same data dir and port, so clients made before
   * (including {@link #client()}) reconnect to it. Only an {@link #onDisk()} server keeps its
   * objects.
   */
  public ApiServer restart() {
    ApiServerOptions before = server.options();
    int port = server.port();
    server.close().await();
    server = null;
    server =
        ApiServer.start(
                vertx,
                new ApiServerOptions(
                    before.dataDir(),
                    before.etcdServers(),
                    port,
                    before.bindAddress(),
                    before.inMemory(),
                    before.serviceClusterIpRange()))
            .await();
    return server;
  }

  public ApiServer server() {
    return server;
  }

  /** The Vert.x instance the server runs on; closed with it, so test servers may share it. */
  public Vertx vertx() {
    return vertx;
  }

  /** The admin kubeconfig (cluster CA, client certificate, server URL). */
  public Path kubeconfig() {
    return server.kubeconfig();
  }

  /** A temp dir of this server's, for the test's own files; deleted when the server stops. */
  public Path dir() {
    return dir;
  }

  /**
   * A fabric8 client with the admin credentials, made on first use (by any thread: a test's own
   * writer threads may ask too) and closed with the server.
   */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = clientFor(kubeconfig());
    }
    return client;
  }

  /** A new fabric8 client for a kubeconfig; the caller closes it. */
  public static KubernetesClient clientFor(Path kubeconfig) {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
