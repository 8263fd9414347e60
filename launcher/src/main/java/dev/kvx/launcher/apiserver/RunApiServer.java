package dev.kvx.launcher.apiserver;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.launcher.Foreground;
import java.io.PrintStream;

/** The action of {@code kvx apiserver}: one API server in the foreground. */
public final class RunApiServer {

  private final ApiServerOptions options;
  private final PrintStream out;

  public RunApiServer(ApiServerOptions options) {
    this(options, System.out);
  }

  RunApiServer(ApiServerOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Blocks until SIGINT/SIGTERM; returns 1 if the server cannot start. */
  public int run() {
    return new Foreground<ApiServer>(
            "apiserver", vertx -> ApiServer.start(vertx, options), ApiServer::close)
        .run(this::printWhereToConnect);
  }

  private void printWhereToConnect(ApiServer server) {
    String storage =
        options.etcdServers().isEmpty()
            ? "embedded store in " + options.dataDir()
            : "etcd " + String.join(",", options.etcdServers());
    out.printf("kvx apiserver: serving on https://%s:%d (%s)%n",
        hostForUrl(options.bindAddress()), server.port(), storage);
    out.printf("kubeconfig: %s%n", server.kubeconfig());
    out.printf("  export KUBECONFIG=%s%n  kubectl get namespaces%n", server.kubeconfig());
    out.flush();
  }

  private static String hostForUrl(String bindAddress) {
    return bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
  }
}
