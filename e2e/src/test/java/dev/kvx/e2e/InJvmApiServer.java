package dev.kvx.e2e;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-memory kvx API server for kubectl scenarios, serving HTTPS on a free port with its admin
 * kubeconfig in a temp dir. Registered on a static field it serves the whole test class (scenarios
 * then isolate themselves by namespace); on an instance field, a fresh one serves each test.
 *
 * <pre>{@code
 * @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();
 * ... Kubectl kubectl = server.kubectl(binary);
 * }</pre>
 */
final class InJvmApiServer
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final AtomicInteger kubectls = new AtomicInteger();
  private boolean perClass;
  private Path dir;
  private Vertx vertx;
  private ApiServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    perClass = true;
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
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
    dir = Files.createTempDirectory("kvx-e2e-");
    vertx = Vertx.vertx();
    server = ApiServer.start(vertx, ApiServerOptions.forTest(dir.resolve("server"))).await();
  }

  private void stop() {
    try {
      if (server != null) {
        server.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      server = null;
      vertx = null;
      deleteRecursively(dir);
    }
  }

  Path kubeconfig() {
    return server.kubeconfig();
  }

  /**
   * A kubectl of the given release against this server, with its own discovery cache. Fails the
   * test (CI) or skips it (elsewhere) when the binary is not installed.
   */
  Kubectl kubectl(KubectlBinary binary) {
    RequiredTools.require(
        binary.installed(), "kubectl " + binary.version() + " (" + binary.path() + ")");
    return new Kubectl(binary, kubeconfig(), dir.resolve("kubectl-" + kubectls.incrementAndGet()));
  }

  /** An HTTPS client with the admin credentials, for requests kubectl refuses to send. */
  RawApi rawApi() {
    return RawApi.fromKubeconfig(kubeconfig());
  }

  static void deleteRecursively(Path dir) {
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
