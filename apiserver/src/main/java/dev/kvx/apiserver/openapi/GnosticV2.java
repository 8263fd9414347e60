package dev.kvx.apiserver.openapi;

import com.google.protobuf.CodedOutputStream;
import dev.kvx.apiserver.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Encodes a Swagger 2.0 JSON document as gnostic's {@code openapi.v2.Document} protobuf
 * (google/gnostic {@code openapiv2/OpenAPIv2.proto}), the form kubectl downloads {@code
 * /openapi/v2} in: swagger, info and the definitions with the schema fields kube-openapi reads
 * ({@code $ref}, type, format, description, default, enum, required, items, allOf, properties,
 * additionalProperties) and every {@code x-} extension as a YAML (here JSON, a subset of YAML)
 * value. Paths are left out; kubectl does not read them from v2.
 */
final class GnosticV2 {

  // openapi.v2.Document
  private static final int DOC_SWAGGER = 1;
  private static final int DOC_INFO = 2;
  private static final int DOC_DEFINITIONS = 9;
  // openapi.v2.Info
  private static final int INFO_TITLE = 1;
  private static final int INFO_VERSION = 2;
  // openapi.v2.Definitions, Properties: repeated NamedSchema additional_properties = 1
  private static final int NAMED_LIST = 1;
  // openapi.v2.NamedSchema, NamedAny
  private static final int NAMED_NAME = 1;
  private static final int NAMED_VALUE = 2;
  // openapi.v2.Any
  private static final int ANY_YAML = 2;
  // openapi.v2.Schema
  private static final int SCHEMA_REF = 1;
  private static final int SCHEMA_FORMAT = 2;
  private static final int SCHEMA_TITLE = 3;
  private static final int SCHEMA_DESCRIPTION = 4;
  private static final int SCHEMA_DEFAULT = 5;
  private static final int SCHEMA_UNIQUE_ITEMS = 16;
  private static final int SCHEMA_REQUIRED = 19;
  private static final int SCHEMA_ENUM = 20;
  private static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
  private static final int SCHEMA_TYPE = 22;
  private static final int SCHEMA_ITEMS = 23;
  private static final int SCHEMA_ALL_OF = 24;
  private static final int SCHEMA_PROPERTIES = 25;
  private static final int SCHEMA_READ_ONLY = 27;
  private static final int SCHEMA_VENDOR_EXTENSION = 31;
  // openapi.v2.AdditionalPropertiesItem
  private static final int ADDITIONAL_SCHEMA = 1;
  private static final int ADDITIONAL_BOOLEAN = 2;
  // openapi.v2.TypeItem, ItemsItem: repeated value/schema = 1
  private static final int REPEATED_ONE = 1;

  private GnosticV2() {}

  /** The protobuf of a Swagger 2.0 document. */
  static byte[] document(JsonNode doc) {
    return message(out -> {
      string(out, DOC_SWAGGER, Json.text(doc, "swagger"));
      JsonNode info = doc.get("info");
      if (info != null) {
        out.writeByteArray(DOC_INFO, message(i -> {
          string(i, INFO_TITLE, Json.text(info, "title"));
          string(i, INFO_VERSION, Json.text(info, "version"));
        }));
      }
      JsonNode defs = doc.get("definitions");
      if (defs != null && !defs.isEmpty()) {
        out.writeByteArray(DOC_DEFINITIONS, namedSchemas(defs));
      }
    });
  }

  private static byte[] namedSchemas(JsonNode map) {
    return message(out -> {
      for (Map.Entry<String, JsonNode> e : map.properties()) {
        out.writeByteArray(NAMED_LIST, message(n -> {
          n.writeString(NAMED_NAME, e.getKey());
          n.writeByteArray(NAMED_VALUE, schema(e.getValue()));
        }));
      }
    });
  }

  static byte[] schema(JsonNode s) {
    return message(out -> {
      string(out, SCHEMA_REF, Json.text(s, "$ref"));
      string(out, SCHEMA_FORMAT, Json.text(s, "format"));
      string(out, SCHEMA_TITLE, Json.text(s, "title"));
      string(out, SCHEMA_DESCRIPTION, Json.text(s, "description"));
      if (s.has("default")) {
        out.writeByteArray(SCHEMA_DEFAULT, any(s.get("default")));
      }
      if (s.path("uniqueItems").asBoolean(false)) {
        out.writeBool(SCHEMA_UNIQUE_ITEMS, true);
      }
      for (JsonNode r : s.path("required")) {
        out.writeString(SCHEMA_REQUIRED, r.asString());
      }
      for (JsonNode v : s.path("enum")) {
        out.writeByteArray(SCHEMA_ENUM, any(v));
      }
      JsonNode additional = s.get("additionalProperties");
      if (additional != null) {
        out.writeByteArray(SCHEMA_ADDITIONAL_PROPERTIES, message(a -> {
          if (additional.isObject()) {
            a.writeByteArray(ADDITIONAL_SCHEMA, schema(additional));
          } else {
            a.writeBool(ADDITIONAL_BOOLEAN, additional.asBoolean());
          }
        }));
      }
      JsonNode type = s.get("type");
      if (type != null) {
        out.writeByteArray(SCHEMA_TYPE, message(t -> {
          if (type.isArray()) {
            for (JsonNode v : type) {
              t.writeString(REPEATED_ONE, v.asString());
            }
          } else {
            t.writeString(REPEATED_ONE, type.asString());
          }
        }));
      }
      JsonNode items = s.get("items");
      if (items != null) {
        out.writeByteArray(SCHEMA_ITEMS, message(i -> {
          if (items.isArray()) {
            for (JsonNode v : items) {
              i.writeByteArray(REPEATED_ONE, schema(v));
            }
          } else {
            i.writeByteArray(REPEATED_ONE, schema(items));
          }
        }));
      }
      for (JsonNode a : s.path("allOf")) {
        out.writeByteArray(SCHEMA_ALL_OF, schema(a));
      }
      JsonNode props = s.get("properties");
      if (props != null && props.isObject()) {
        out.writeByteArray(SCHEMA_PROPERTIES, namedSchemas(props));
      }
      if (s.path("readOnly").asBoolean(false)) {
        out.writeBool(SCHEMA_READ_ONLY, true);
      }
      for (Map.Entry<String, JsonNode> e : s.properties()) {
        if (e.getKey().startsWith("x-")) {
          out.writeByteArray(SCHEMA_VENDOR_EXTENSION, message(n -> {
            n.writeString(NAMED_NAME, e.getKey());
            n.writeByteArray(NAMED_VALUE, any(e.getValue()));
          }));
        }
      }
    });
  }

  /** An {@code openapi.v2.Any} holding a value as YAML (JSON text). */
  private static byte[] any(JsonNode value) {
    return message(a -> a.writeString(ANY_YAML, Json.string(value) + "\n"));
  }

  private static void string(CodedOutputStream out, int field, String value) throws IOException {
    if (value != null && !value.isEmpty()) {
      out.writeString(field, value);
    }
  }

  /** Writes one message into bytes. */
  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      body.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
