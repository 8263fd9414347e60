package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Writes objects and Status errors the way kube-apiserver does. */
public final class Responses {

  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  public static final String JSON = "application/json";

  private Responses() {}

  public static void json(RoutingContext rc, int code, JsonNode body) {
    send(rc, code, JSON, Buffer.buffer(Json.bytes(body)));
  }

  public static void yaml(RoutingContext rc, int code, JsonNode body) {
    send(rc, code, "application/yaml", Buffer.buffer(Json.YAML.writeValueAsBytes(body)));
  }

  public static void send(RoutingContext rc, int code, String contentType, Buffer body) {
    HttpServerResponse r = rc.response();
    if (r.ended() || r.closed()) {
      return;
    }
    r.setStatusCode(code).putHeader("Content-Type", contentType).putHeader("Cache-Control", "no-cache, private");
    if (rc.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
      r.putHeader("Content-Length", Integer.toString(body.length())).end();
    } else {
      r.end(body);
    }
  }

  /** Renders any failure as a Status; unexpected exceptions become a logged 500. */
  public static void error(RoutingContext rc, Throwable t) {
    StatusException s = toStatus(t);
    if (s.code() >= 500) {
      LOG.error("{} {} failed", rc.request().method(), rc.request().uri(), t);
    }
    HttpServerResponse r = rc.response();
    if (s.retryAfterSeconds() != null) {
      r.putHeader("Retry-After", Integer.toString(s.retryAfterSeconds()));
    }
    json(rc, s.code(), Statuses.toJson(s));
  }

  public static StatusException toStatus(Throwable t) {
    if (t instanceof StatusException s) {
      return s;
    }
    if (t instanceof tools.jackson.core.JacksonException j) {
      return Statuses.badRequest("error decoding: " + j.getOriginalMessage());
    }
    return Statuses.internalError(t.toString());
  }
}
