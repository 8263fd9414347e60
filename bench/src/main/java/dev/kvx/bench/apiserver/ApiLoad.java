package dev.kvx.bench.apiserver;

import dev.kvx.apiserver.json.Json;
import dev.kvx.bench.BenchmarkFailure;
import dev.kvx.bench.BoundedLoad;
import dev.kvx.bench.Latencies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;

/**
 * The API side of the benchmark: ConfigMap creates, gets and lists through {@link AdminClient},
 * each load with a fixed number of requests in flight. Every method blocks until its load is done:
 * call from the benchmark's main thread.
 */
final class ApiLoad {

  private static final long TIMEOUT_MINUTES = 10;

  private final AdminClient client;
  private final int inFlight;

  ApiLoad(AdminClient client, int inFlight) {
    this.client = client;
    this.inFlight = inFlight;
  }

  /**
   * Fills the client's connection pool a few connections at a time (1, 2, 4, … in flight), so the
   * TLS handshakes (with client-certificate verification) do not all land on the server at once: a
   * burst of them on a starved machine can outlast the server's handshake timeout.
   */
  void openConnections() throws InterruptedException {
    for (int lanes = 1; ; lanes = Math.min(lanes * 2, inFlight)) {
      BoundedLoad.run(
          lanes * 4,
          lanes,
          TIMEOUT_MINUTES,
          TimeUnit.MINUTES,
          i ->
              client
                  .call(HttpMethod.GET, "/api/v1/namespaces/default", null, 200)
                  .toCompletionStage());
      if (lanes == inFlight) {
        return;
      }
    }
  }

  void createNamespace(String name) {
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}";
    client.call(HttpMethod.POST, "/api/v1/namespaces", Buffer.buffer(body), 201).await();
  }

  /** POSTs ConfigMaps 0…count-1 into {@code namespace}; returns creates per second. */
  double creates(String namespace, int count) throws InterruptedException {
    // Bodies are encoded up front so the client's JSON work is not part of the measurement.
    Buffer[] bodies = new Buffer[count];
    for (int i = 0; i < count; i++) {
      bodies[i] = Buffer.buffer(ConfigMaps.body(namespace, i));
    }
    String uri = "/api/v1/namespaces/" + namespace + "/configmaps";
    return BoundedLoad.run(
        count,
        inFlight,
        TIMEOUT_MINUTES,
        TimeUnit.MINUTES,
        i -> client.call(HttpMethod.POST, uri, bodies[i], 201).toCompletionStage());
  }

  /** GETs each ConfigMap written by {@link #creates}; returns gets per second. */
  double gets(String namespace, int count) throws InterruptedException {
    String base = "/api/v1/namespaces/" + namespace + "/configmaps/";
    return BoundedLoad.run(
        count,
        inFlight,
        TIMEOUT_MINUTES,
        TimeUnit.MINUTES,
        i -> client.call(HttpMethod.GET, base + ConfigMaps.name(i), null, 200).toCompletionStage());
  }

  /**
   * Times LISTs of the namespace's ConfigMaps, one at a time ({@code limit} 0: the full list, else
   * its first page). One untimed LIST first checks that it returns {@code expected} items; the
   * timed ones only receive the body, so the client's JSON parsing is not part of the latency.
   */
  Latencies lists(String namespace, int limit, int expected, int samples)
      throws InterruptedException {
    String uri =
        "/api/v1/namespaces/" + namespace + "/configmaps" + (limit > 0 ? "?limit=" + limit : "");
    int items =
        Json.parse(client.call(HttpMethod.GET, uri, null, 200).await().getBytes())
            .path("items")
            .size();
    if (items != expected) {
      throw new BenchmarkFailure(
          "LIST " + uri + " returned " + items + " items, expected " + expected, null);
    }
    return Latencies.measure(
        samples,
        1,
        TimeUnit.MINUTES,
        () -> client.call(HttpMethod.GET, uri, null, 200).toCompletionStage());
  }
}
