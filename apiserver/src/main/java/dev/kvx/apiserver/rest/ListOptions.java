package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.selection.FieldSelector;
import dev.kvx.apiserver.selection.LabelSelector;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The query parameters of list and watch requests, parsed and checked. */
public record ListOptions(
    LabelSelector labels,
    FieldSelector fields,
    String resourceVersion,
    String resourceVersionMatch,
    int limit,
    String continueToken,
    boolean allowWatchBookmarks,
    Integer timeoutSeconds,
    boolean sendInitialEvents) {

  public static ListOptions parse(MultiMap q, ResourceType type) {
    int limit = 0;
    String l = q.get("limit");
    if (l != null && !l.isEmpty()) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw Statuses.badRequest("invalid limit: " + l);
      }
      if (limit < 0) {
        throw Statuses.badRequest("limit must not be negative");
      }
    }
    Integer timeout = null;
    String t = q.get("timeoutSeconds");
    if (t != null && !t.isEmpty()) {
      try {
        timeout = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw Statuses.badRequest("invalid timeoutSeconds: " + t);
      }
    }
    String rv = q.get("resourceVersion");
    if (rv != null && !rv.isEmpty() && !rv.matches("\\d+")) {
      throw Statuses.badRequest("invalid resourceVersion: " + rv);
    }
    String match = q.get("resourceVersionMatch");
    if (match != null && !match.isEmpty() && !match.equals("NotOlderThan") && !match.equals("Exact")) {
      throw Statuses.badRequest("resourceVersionMatch: Unsupported value: \"" + match
          + "\": supported values: \"Exact\", \"NotOlderThan\"");
    }
    if (match != null && !match.isEmpty() && (rv == null || rv.isEmpty())) {
      throw Statuses.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
    }
    return new ListOptions(
        LabelSelector.parse(q.get("labelSelector")),
        FieldSelector.parse(q.get("fieldSelector"), type.kind()),
        rv == null || rv.isEmpty() ? null : rv,
        match == null || match.isEmpty() ? null : match,
        limit,
        q.get("continue") == null || q.get("continue").isEmpty() ? null : q.get("continue"),
        "true".equals(q.get("allowWatchBookmarks")),
        timeout,
        "true".equals(q.get("sendInitialEvents")));
  }

  /** Whether an object passes both selectors. */
  public Predicate<CachedObject> filter() {
    if (labels.isEmpty() && fields.isEmpty()) {
      return o -> true;
    }
    return o -> labels.test(labelsOf(o.object())) && fields.test(o.object());
  }

  static Map<String, String> labelsOf(ObjectNode obj) {
    JsonNode labels = obj.path("metadata").get("labels");
    if (labels == null || !labels.isObject()) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
    return out;
  }

  /** A continue token: the list revision and the last key served, opaque to clients. */
  public record Continue(long revision, String lastKey) {
    public String encode() {
      ObjectNode n = Json.object();
      n.put("v", "meta.k8s.io/v1");
      n.put("rv", revision);
      n.put("start", lastKey);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(n));
    }

    public static Continue decode(String token, String prefix) {
      try {
        JsonNode n = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
        String start = n.get("start").asString();
        if (!start.startsWith(prefix)) {
          throw Statuses.badRequest("continue key is not valid for this list");
        }
        return new Continue(n.get("rv").asLong(), start);
      } catch (RuntimeException e) {
        if (e instanceof dev.kvx.apiserver.errors.StatusException s) {
          throw s;
        }
        throw Statuses.badRequest("continue key is not valid: " + e.getMessage());
      }
    }
  }
}
