package dev.kvx.kubelet;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Talks to an agent's HTTPS port the way the API server's proxy would: with the cluster's admin
 * client certificate, not verifying the agent's self-signed serving certificate.
 */
public final class KubeletClient implements AutoCloseable {
  private final KubernetesClient client;
  private final HttpClient http;
  private final String base;

  /** {@code kubeconfig}'s credentials; {@code withCertificate} false sends none. */
  public KubeletClient(Path kubeconfig, int port, boolean withCertificate) throws Exception {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    config.setTrustCerts(true);
    config.setMasterUrl("https://127.0.0.1:" + port);
    if (!withCertificate) {
      config.setClientCertData(null);
      config.setClientKeyData(null);
      config.setOauthToken(null);
    }
    this.client = new KubernetesClientBuilder().withConfig(config).build();
    this.http = client.getHttpClient();
    this.base = "https://127.0.0.1:" + port;
  }

  /** GET {@code path}; returns the status code and body. */
  public HttpResponse<String> get(String path) throws Exception {
    return http.sendAsync(http.newHttpRequestBuilder().uri(base + path).build(), String.class)
        .get(30, TimeUnit.SECONDS);
  }

  /** A streaming GET (e.g. {@code follow=true} logs). */
  public InputStream stream(String path) throws Exception {
    return http.sendAsync(http.newHttpRequestBuilder().uri(base + path).build(), InputStream.class)
        .get(30, TimeUnit.SECONDS)
        .body();
  }

  /** What an exec returned. */
  public record ExecOutcome(String stdout, String stderr, String status, String protocol) {}

  /**
   * Runs {@code command} through {@code /exec} over WebSocket with {@code protocol}; {@code stdin}
   * (may be null) is sent, then closed (v5's close signal).
   */
  public ExecOutcome exec(
      String ns, String pod, String container, List<String> command, String stdin, String protocol)
      throws Exception {
    String query =
        command.stream()
                .map(c -> "command=" + URLEncoder.encode(c, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"))
            + "&stdout=true&stderr=true"
            + (stdin != null ? "&stdin=true" : "");
    URI uri =
        URI.create(
            "wss://127.0.0.1:"
                + base.substring(base.lastIndexOf(':') + 1)
                + "/exec/"
                + ns
                + "/"
                + pod
                + "/"
                + container
                + "?"
                + query);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .subprotocol(protocol)
            .uri(uri)
            .buildAsync(
                new WebSocket.Listener() {
                  @Override
                  public void onMessage(WebSocket webSocket, ByteBuffer bytes) {
                    if (bytes.hasRemaining()) {
                      byte channel = bytes.get();
                      byte[] data = new byte[bytes.remaining()];
                      bytes.get(data);
                      synchronized (KubeletClient.this) {
                        (channel == 1 ? out : channel == 2 ? err : status).writeBytes(data);
                      }
                    }
                    webSocket.request();
                  }

                  @Override
                  public void onClose(WebSocket webSocket, int code, String reason) {
                    closed.complete(null);
                  }

                  @Override
                  public void onError(WebSocket webSocket, Throwable error) {
                    closed.completeExceptionally(error);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    if (stdin != null) {
      byte[] data = stdin.getBytes(StandardCharsets.UTF_8);
      ByteBuffer frame = ByteBuffer.allocate(data.length + 1).put((byte) 0).put(data);
      frame.flip();
      ws.send(frame);
      ws.send(ByteBuffer.wrap(new byte[] {(byte) 255, 0}));
    }
    closed.get(30, TimeUnit.SECONDS);
    synchronized (this) {
      return new ExecOutcome(
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8),
          status.toString(StandardCharsets.UTF_8),
          protocol);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
