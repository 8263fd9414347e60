package dev.kvx.apiserver.json;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NumericNode;
import tools.jackson.databind.node.ValueNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The API server's one JSON and YAML codec (Jackson 3, the line fabric8 8 uses). Objects flow
 * through the server as {@link ObjectNode}s, so built-in kinds and custom resources share one path.
 */
public final class Json {

  /**
   * Builds every integer as a long node. Parsed objects (small ints) and server-built ones (ints
   * and longs) then compare equal by value: Jackson's IntNode(30) is not equal to LongNode(30),
   * and no-op detection and immutability checks compare whole trees.
   */
  public static final JsonNodeFactory FACTORY = new JsonNodeFactory() {
    @Override
    public NumericNode numberNode(byte v) {
      return super.numberNode((long) v);
    }

    @Override
    public NumericNode numberNode(short v) {
      return super.numberNode((long) v);
    }

    @Override
    public NumericNode numberNode(int v) {
      return super.numberNode((long) v);
    }

    @Override
    public ValueNode numberNode(Byte v) {
      return v == null ? nullNode() : super.numberNode(v.longValue());
    }

    @Override
    public ValueNode numberNode(Short v) {
      return v == null ? nullNode() : super.numberNode(v.longValue());
    }

    @Override
    public ValueNode numberNode(Integer v) {
      return v == null ? nullNode() : super.numberNode(v.longValue());
    }
  };

  public static final JsonMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .nodeFactory(FACTORY)
          .build();

  public static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .nodeFactory(FACTORY)
      .build();

  private Json() {}

  public static ObjectNode object() {
    return FACTORY.objectNode();
  }

  public static ArrayNode array() {
    return FACTORY.arrayNode();
  }

  /** Parses JSON bytes; throws {@link JacksonException} on malformed input. */
  public static JsonNode parse(byte[] bytes) {
    return MAPPER.readTree(bytes);
  }

  public static JsonNode parse(String text) {
    return MAPPER.readTree(text);
  }

  public static byte[] bytes(JsonNode node) {
    return MAPPER.writeValueAsBytes(node);
  }

  public static String string(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  /** Converts a value (a fabric8 model object, a map, …) to a tree. */
  public static ObjectNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** The text at a dotted path such as {@code metadata.name}, or null. */
  public static String text(JsonNode node, String... path) {
    JsonNode n = node;
    for (String p : path) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(p);
    }
    return n == null || n.isNull() || n.isContainer() ? null : n.asString();
  }

  /** The object at {@code field} of {@code parent}, created when missing. */
  public static ObjectNode with(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ObjectNode o) {
      return o;
    }
    ObjectNode created = parent.objectNode();
    parent.set(field, created);
    return created;
  }
}
