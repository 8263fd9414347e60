package dev.kvx.e2e;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * apiserver's in-JVM API server extension plus what kubectl scenarios need of it: kubectls of a
 * given release with their own discovery caches, and a raw HTTPS client. The server's lifecycle
 * (static field: one per class; instance field: one per test) is the base class's.
 *
 * <pre>{@code
 * @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();
 * ... Kubectl kubectl = server.kubectl(binary);
 * }</pre>
 */
final class InJvmApiServer extends dev.kvx.apiserver.testing.InJvmApiServer {

  private final AtomicInteger kubectls = new AtomicInteger();

  /**
   * A kubectl of the given release against this server, with its own discovery cache. Fails the
   * test (CI) or skips it (elsewhere) when the binary is not installed.
   */
  Kubectl kubectl(KubectlBinary binary) {
    RequiredTools.require(binary);
    return new Kubectl(
        binary, kubeconfig(), dir().resolve("kubectl-" + kubectls.incrementAndGet()));
  }

  /** An HTTPS client with the admin credentials, for requests kubectl refuses to send. */
  RawApi rawApi() {
    return RawApi.fromKubeconfig(kubeconfig());
  }
}
