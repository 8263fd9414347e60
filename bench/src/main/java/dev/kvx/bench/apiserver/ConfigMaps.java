package dev.kvx.bench.apiserver;

import dev.kvx.apiserver.json.Json;
import java.util.UUID;
import tools.jackson.databind.node.ObjectNode;

/**
 * The benchmark's object: a ConfigMap of a realistic size (about 600 bytes stored), such as an
 * application's properties and feature flags. The raw etcd baseline writes the same JSON with the
 * fields the API server adds on create (uid, creationTimestamp), so both sides store values of the
 * same size.
 */
final class ConfigMaps {

  private static final String PROPERTIES =
      "server.port=8080\n"
          + "server.shutdown=graceful\n"
          + "logging.level.root=INFO\n"
          + "logging.level.dev.kvx=DEBUG\n"
          + "spring.datasource.url=jdbc:postgresql://db.bench.svc:5432/orders\n"
          + "spring.datasource.hikari.maximum-pool-size=16\n"
          + "management.endpoints.web.exposure.include=health,prometheus\n";
  private static final String FLAGS =
      "{\"checkout-v2\":true,\"recommendations\":false,\"max-cart-items\":50}";

  private ConfigMaps() {}

  /** The name of the {@code i}-th object. */
  static String name(int i) {
    return String.format("cm-%06d", i);
  }

  /** The POST body for the {@code i}-th object in {@code namespace}. */
  static byte[] body(String namespace, int i) {
    return Json.bytes(configMap(namespace, i));
  }

  /** The object as the API server would store it: with a uid and a creation timestamp. */
  static byte[] stored(String namespace, int i) {
    ObjectNode cm = configMap(namespace, i);
    ObjectNode meta = (ObjectNode) cm.get("metadata");
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", "2026-11-26T12:00:00Z");
    return Json.bytes(cm);
  }

  private static ObjectNode configMap(String namespace, int i) {
    ObjectNode cm = Json.object();
    cm.put("apiVersion", "v1");
    cm.put("kind", "ConfigMap");
    ObjectNode meta = cm.putObject("metadata");
    meta.put("name", name(i));
    meta.put("namespace", namespace);
    ObjectNode labels = meta.putObject("labels");
    labels.put("app.kubernetes.io/name", "orders");
    labels.put("app.kubernetes.io/component", "config");
    labels.put("bench.kvx.dev/shard", Integer.toString(i % 16));
    meta.putObject("annotations").put("bench.kvx.dev/purpose", "apiserver throughput");
    ObjectNode data = cm.putObject("data");
    data.put("application.properties", PROPERTIES);
    data.put("feature-flags.json", FLAGS);
    return cm;
  }
}
