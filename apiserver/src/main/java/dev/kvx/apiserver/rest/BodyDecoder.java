package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a request body into an object by its Content-Type: JSON, YAML, or the Kubernetes protobuf
 * envelope kubectl ≥ 1.32 sends for typed {@code create} commands.
 */
public final class BodyDecoder {

  public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

  private final Function<byte[], ObjectNode> protobuf;

  public BodyDecoder(Function<byte[], ObjectNode> protobuf) {
    this.protobuf = protobuf;
  }

  public ObjectNode decode(String contentType, Buffer body) {
    if (body == null || body.length() == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    String type = Patches.typeOf(contentType);
    byte[] bytes = body.getBytes();
    JsonNode node;
    try {
      if (type == null || type.equals("application/json") || type.equals("*/*")) {
        node = Json.MAPPER.readTree(bytes);
      } else if (type.equals("application/yaml") || type.equals("application/x-yaml") || type.equals("text/yaml")) {
        node = Json.YAML.readTree(bytes);
      } else if (type.equals(PROTOBUF)) {
        try {
          return protobuf.apply(bytes);
        } catch (StatusException e) {
          throw e;
        } catch (RuntimeException e) {
          throw Statuses.badRequest("unable to decode protobuf body: " + e.getMessage());
        }
      } else {
        throw Statuses.unsupportedMediaType(contentType);
      }
    } catch (JacksonException e) {
      throw Statuses.badRequest("error decoding request body: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw Statuses.badRequest("the request body must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    JsonNode meta = node.get("metadata");
    if (meta != null && !meta.isObject() && !meta.isNull()) {
      throw Statuses.badRequest("metadata must be an object");
    }
    return (ObjectNode) node;
  }
}
