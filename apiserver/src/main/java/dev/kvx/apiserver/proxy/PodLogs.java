package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/**
 * Streams a container's log from its kubelet ({@code GET /containerLogs/NS/POD/CONTAINER}) to the
 * client as chunked {@code text/plain}, as upstream's {@code LocationStreamer}: each chunk is
 * written as it arrives (a followed log flows line by line), the kubelet's pace is throttled by the
 * client's, and a client that goes away closes the kubelet connection, which ends {@code follow}. A
 * kubelet error becomes a {@code Status} as upstream's {@code GenericHttpResponseChecker} maps it.
 * Runs on the request's event loop; nothing blocks.
 */
final class PodLogs {

  /** How much of a kubelet's error body becomes the Status message, as upstream reads. */
  private static final int MAX_ERROR_BODY = 50_000;

  private final KubeletClients clients;

  PodLogs(KubeletClients clients) {
    this.clients = clients;
  }

  void stream(
      RoutingContext rc,
      NodeConnection node,
      String ns,
      String pod,
      String container,
      PodLogOptions options) {
    String query = options.kubeletQuery();
    String uri =
        "/containerLogs/" + ns + "/" + pod + "/" + container + (query.isEmpty() ? "" : "?" + query);
    HttpServerResponse response = rc.response();
    clients
        .http()
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(node.host())
                .setPort(node.port())
                .setURI(uri))
        .compose(
            request -> {
              // The client hanging up stops the kubelet's stream (and a follow with it).
              response.closeHandler(v -> request.reset());
              // Paused until relay() decides where the body goes.
              return request.send().map(r -> new Exchange(request, r.pause()));
            })
        .onSuccess(exchange -> relay(rc, pod, exchange))
        .onFailure(
            e ->
                Responses.error(
                    rc, Statuses.internalError("error dialing backend: " + e.getMessage())));
  }

  private record Exchange(HttpClientRequest request, HttpClientResponse response) {}

  private static void relay(RoutingContext rc, String pod, Exchange exchange) {
    HttpClientResponse kubelet = exchange.response();
    HttpServerResponse response = rc.response();
    int code = kubelet.statusCode();
    if (code < 200 || code > 206) {
      kubelet
          .body()
          .onSuccess(body -> Responses.error(rc, checked(code, pod, body)))
          .onFailure(e -> Responses.error(rc, Statuses.internalError(e.getMessage())));
      kubelet.resume();
      return;
    }
    if (response.closed()) {
      exchange.request().reset();
      return;
    }
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/plain")
        .putHeader("Cache-Control", "no-cache, private");
    // Headers now: kubectl waits for them before it prints what a followed log writes later.
    response.writeHead();
    kubelet.pipeTo(response).onFailure(e -> exchange.request().reset());
  }

  /** A kubelet's error response as kube-apiserver reports it (GenericHttpResponseChecker). */
  static StatusException checked(int code, String pod, Buffer body) {
    String text =
        body.length() > MAX_ERROR_BODY
            ? body.getString(0, MAX_ERROR_BODY, StandardCharsets.UTF_8.name())
            : body.toString(StandardCharsets.UTF_8);
    return switch (code) {
      case 400 -> Statuses.badRequest(text);
      case 404 -> Statuses.notFound("", "pods/log", pod);
      case 401, 403 -> Statuses.forbidden("", "pods/log", pod, text);
      default ->
          code >= 500
              ? Statuses.internalError(text)
              : Statuses.badRequest(
                  "the server responded with the status code " + code + ": " + text);
    };
  }
}
