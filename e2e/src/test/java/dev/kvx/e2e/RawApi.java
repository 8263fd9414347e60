package dev.kvx.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Plain HTTPS requests with the admin certificate from a kubeconfig, for bodies kubectl will not
 * send as they are (kubectl's {@code --raw} always labels a body {@code application/json}, and its
 * own commands check YAML before sending). Uses fabric8's HTTP client only for its TLS setup.
 */
final class RawApi implements AutoCloseable {

  private final KubernetesClient client;

  private RawApi(KubernetesClient client) {
    this.client = client;
  }

  static RawApi fromKubeconfig(Path kubeconfig) {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      return new RawApi(new KubernetesClientBuilder().withConfig(config).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code method path} with a body of the given content type; blocks up to 30 s. */
  Response send(String method, String path, String contentType, String body) {
    String base = client.getConfiguration().getMasterUrl().replaceAll("/+$", "");
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(base + path)
            .method(method, contentType, body)
            .build();
    try {
      HttpResponse<byte[]> r =
          client.getHttpClient().sendAsync(request, byte[].class).get(30, TimeUnit.SECONDS);
      return new Response(
          r.code(), r.header("Content-Type"), new String(r.body(), StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }

  record Response(int code, String contentType, String body) {}
}
