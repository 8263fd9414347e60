package dev.kvx.bench.apiserver;

import dev.kvx.apiserver.json.Json;
import dev.kvx.bench.BenchmarkFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * An HTTPS client for the API server with the admin credentials of its kubeconfig (client
 * certificate and CA, as kubectl uses them): HTTP/1.1 with keep-alive and a connection pool as
 * large as the number of requests in flight, so a run measures requests, not TLS handshakes.
 *
 * <p>Futures complete on the client's Vert.x event loops.
 */
final class AdminClient implements AutoCloseable {

  private static final long REQUEST_IDLE_TIMEOUT_MS = 60_000;

  private final HttpClientAgent http;
  private final AtomicInteger connectionsOpened;

  private AdminClient(HttpClientAgent http, AtomicInteger connectionsOpened) {
    this.http = http;
    this.connectionsOpened = connectionsOpened;
  }

  /** Reads {@code kubeconfig} (blocking) and connects lazily to its server. */
  static AdminClient fromKubeconfig(Vertx vertx, Path kubeconfig, int poolSize) throws IOException {
    JsonNode config = Json.YAML.readTree(Files.readString(kubeconfig));
    JsonNode cluster = config.path("clusters").path(0).path("cluster");
    JsonNode user = config.path("users").path(0).path("user");
    URI server = URI.create(cluster.path("server").asString());
    HttpClientOptions options =
        new HttpClientOptions()
            .setSsl(true)
            .setVerifyHost(true)
            .setTrustOptions(
                new PemTrustOptions().addCertValue(pem(cluster, "certificate-authority-data")))
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .addCertValue(pem(user, "client-certificate-data"))
                    .addKeyValue(pem(user, "client-key-data")))
            .setProtocolVersion(HttpVersion.HTTP_1_1)
            .setKeepAlive(true)
            .setDefaultHost(server.getHost())
            .setDefaultPort(server.getPort());
    AtomicInteger opened = new AtomicInteger();
    HttpClientAgent http =
        vertx
            .httpClientBuilder()
            .with(options)
            .with(new PoolOptions().setHttp1MaxSize(poolSize))
            .withConnectHandler(connection -> opened.incrementAndGet())
            .build();
    return new AdminClient(http, opened);
  }

  private static Buffer pem(JsonNode node, String field) {
    String data = node.path(field).asString("");
    if (data.isEmpty()) {
      throw new IllegalArgumentException("kubeconfig has no " + field);
    }
    return Buffer.buffer(Base64.getDecoder().decode(data));
  }

  /** Connections opened so far: a measured phase should open none (keep-alive, warm pool). */
  int connectionsOpened() {
    return connectionsOpened.get();
  }

  /** Sends a request and returns the response body; fails unless the status is {@code expected}. */
  Future<Buffer> call(HttpMethod method, String uri, Buffer body, int expected) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(method)
            .setURI(uri)
            .putHeader("Accept", "application/json")
            // A request that hangs fails the run within a minute instead of stalling it.
            .setIdleTimeout(REQUEST_IDLE_TIMEOUT_MS);
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    return http.request(request)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        payload -> {
                          if (response.statusCode() != expected) {
                            throw new BenchmarkFailure(
                                method
                                    + " "
                                    + uri
                                    + " answered "
                                    + response.statusCode()
                                    + " (expected "
                                    + expected
                                    + "): "
                                    + payload.toString(StandardCharsets.UTF_8),
                                null);
                          }
                          return payload;
                        }));
  }

  @Override
  public void close() {
    http.close().await();
  }
}
