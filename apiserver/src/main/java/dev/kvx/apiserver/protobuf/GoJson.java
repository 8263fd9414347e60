package dev.kvx.apiserver.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts a Kubernetes protobuf message to the JSON Go's encoding/json would write for the same Go
 * struct. A generic walk over the message descriptors, with the few apimachinery types whose JSON
 * form is not their message form special-cased:
 *
 * <ul>
 *   <li>{@code meta.v1.Time} → RFC 3339 seconds, {@code MicroTime} → RFC 3339 with microseconds;
 *       the zero time (which Go writes as {@code null}) is omitted;
 *   <li>{@code intstr.IntOrString} → a number or a string; {@code resource.Quantity} → its string;
 *   <li>{@code runtime.RawExtension}, {@code meta.v1.FieldsV1} and apiextensions {@code JSON} →
 *       the embedded JSON; {@code meta.v1.Duration} → Go's duration string;
 *   <li>{@code ExtraValue} and {@code meta.v1.Verbs} (a message wrapping a list) → the list;
 *   <li>bytes → base64, int64 → JSON numbers.
 * </ul>
 *
 * <p>Presence: Go's protobuf marshaller writes every non-pointer field, so "set" says little;
 * what matters is Go's JSON tag. Zero scalars are dropped ({@code omitempty}) unless {@link
 * GoFields#keepsZero} knows the Go field is a pointer or has no omitempty; empty lists and maps
 * are dropped; set nested messages are kept, even empty (Go never omits a struct, and a non-nil
 * pointer is written as {@code {}}). Fields of embedded structs ({@code json:",inline"}) are
 * flattened into their parent ({@link GoFields#isInline}).
 */
final class GoJson {

  private static final JsonNodeFactory NODES = dev.kvx.apiserver.json.Json.FACTORY;
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

  private GoJson() {}

  /** The JSON object for a message that is a Go struct. */
  static ObjectNode object(Message message) {
    ObjectNode out = Json.object();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      Object value = e.getValue();
      if (field.isMapField()) {
        ObjectNode map = mapValue(field, (List<?>) value);
        if (!map.isEmpty()) {
          out.set(field.getName(), map);
        }
      } else if (field.isRepeated()) {
        ArrayNode array = NODES.arrayNode();
        for (Object item : (List<?>) value) {
          JsonNode node = single(field, item);
          array.add(node == null ? NODES.nullNode() : node);
        }
        if (!array.isEmpty()) {
          out.set(field.getName(), array);
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        JsonNode node = messageValue((Message) value);
        if (node == null) {
          continue;
        }
        if (GoFields.isInline(field) && node instanceof ObjectNode inline) {
          out.setAll(inline);
        } else {
          out.set(field.getName(), node);
        }
      } else if (!isZero(value) || GoFields.keepsZero(field)) {
        out.set(field.getName(), scalar(field, value));
      }
    }
    return out;
  }

  private static ObjectNode mapValue(FieldDescriptor field, List<?> entries) {
    ObjectNode map = Json.object();
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object o : entries) {
      Message entry = (Message) o;
      String key = String.valueOf(entry.getField(keyField));
      JsonNode node = single(valueField, entry.getField(valueField));
      // A map value is written whatever it holds: {"key": ""} and {"cpu": "0"} mean something.
      map.set(key, node == null ? NODES.nullNode() : node);
    }
    return map;
  }

  // One value of a repeated or map field: kept even when zero, as Go keeps slice and map elements.
  private static JsonNode single(FieldDescriptor field, Object value) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      return messageValue((Message) value);
    }
    return scalar(field, value);
  }

  /** The JSON of a message-typed value, or null when Go would write {@code null}. */
  private static JsonNode messageValue(Message m) {
    String type = m.getDescriptorForType().getFullName();
    switch (type) {
      case META + "Time":
        return time(m, false);
      case META + "MicroTime":
        return time(m, true);
      case META + "Duration":
        return NODES.stringNode(goDuration(longField(m, "duration")));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        return longField(m, "type") == 1
            ? NODES.stringNode(stringField(m, "strVal"))
            : NODES.numberNode((int) longField(m, "intVal"));
      case "k8s.io.apimachinery.pkg.api.resource.Quantity":
        return NODES.stringNode(stringField(m, "string"));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension":
      case META + "FieldsV1":
      case "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSON":
        return embeddedJson(bytesField(m, "raw"));
      default:
        break;
    }
    if (isListWrapper(m)) {
      ArrayNode items = NODES.arrayNode();
      FieldDescriptor f = m.getDescriptorForType().findFieldByName("items");
      for (Object item : (List<?>) m.getField(f)) {
        items.add(String.valueOf(item));
      }
      return items;
    }
    return object(m);
  }

  // authentication/authorization ExtraValue and meta Verbs are Go string slices given a message
  // of their own in protobuf (a repeated field cannot be a map value there).
  private static boolean isListWrapper(Message m) {
    String name = m.getDescriptorForType().getName();
    return (name.equals("ExtraValue") || name.equals("Verbs"))
        && m.getDescriptorForType().getFields().size() == 1
        && m.getDescriptorForType().findFieldByName("items") != null;
  }

  private static JsonNode time(Message m, boolean micro) {
    long seconds = longField(m, "seconds");
    long nanos = longField(m, "nanos");
    if (seconds == 0 && nanos == 0) {
      return null; // Go's zero time marshals as null
    }
    Instant instant = Instant.ofEpochSecond(seconds, micro ? nanos : 0);
    return NODES.stringNode(
        micro ? MICRO.format(instant) : DateTimeFormatter.ISO_INSTANT.format(instant));
  }

  private static JsonNode embeddedJson(ByteString raw) {
    if (raw.isEmpty()) {
      return null;
    }
    byte[] bytes = raw.toByteArray();
    if (bytes.length >= 4 && bytes[0] == 'k' && bytes[1] == '8' && bytes[2] == 's' && bytes[3] == 0) {
      return ProtobufBodies.decode(bytes); // an object embedded in protobuf form
    }
    try {
      return Json.parse(bytes);
    } catch (JacksonException e) {
      throw Statuses.badRequest("embedded raw object is neither JSON nor protobuf: " + e.getMessage());
    }
  }

  private static JsonNode scalar(FieldDescriptor field, Object value) {
    switch (field.getJavaType()) {
      case INT:
        return NODES.numberNode((Integer) value);
      case LONG:
        // The same node a JSON parser makes for the number, so trees compare equal.
        long l = (Long) value;
        return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
      case FLOAT:
        return NODES.numberNode((Float) value);
      case DOUBLE:
        return NODES.numberNode((Double) value);
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value);
      case BYTE_STRING:
        return NODES.stringNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM:
        return NODES.stringNode(value.toString());
      default:
        return NODES.stringNode(value.toString());
    }
  }

  private static boolean isZero(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue() == 0;
    }
    if (value instanceof Boolean b) {
      return !b;
    }
    if (value instanceof String s) {
      return s.isEmpty();
    }
    if (value instanceof ByteString b) {
      return b.isEmpty();
    }
    return false;
  }

  private static long longField(Message m, String name) {
    Object v = m.getField(m.getDescriptorForType().findFieldByName(name));
    return ((Number) v).longValue();
  }

  private static String stringField(Message m, String name) {
    return (String) m.getField(m.getDescriptorForType().findFieldByName(name));
  }

  private static ByteString bytesField(Message m, String name) {
    return (ByteString) m.getField(m.getDescriptorForType().findFieldByName(name));
  }

  /** Go's {@code time.Duration.String()}: {@code 1h0m0s}, {@code 1.5s}, {@code 300ms}, {@code 0s}. */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (nanos < 0) {
      out.append('-');
    }
    // Long.MIN_VALUE has no positive counterpart; Go handles it the same way through uint64.
    java.math.BigInteger u = java.math.BigInteger.valueOf(nanos).abs();
    long small = u.bitLength() < 63 ? u.longValue() : Long.MAX_VALUE;
    if (small < 1_000_000_000L) {
      if (small < 1_000L) {
        return out.append(small).append("ns").toString();
      } else if (small < 1_000_000L) {
        return out.append(fraction(small, 3)).append("µs").toString();
      }
      return out.append(fraction(small, 6)).append("ms").toString();
    }
    long hours = small / 3_600_000_000_000L;
    long rest = small % 3_600_000_000_000L;
    long minutes = rest / 60_000_000_000L;
    long secNanos = rest % 60_000_000_000L;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    return out.append(fraction(secNanos, 9)).append('s').toString();
  }

  // value / 10^digits with the trailing zeros of the fraction trimmed, as Go's fmtFrac does.
  private static String fraction(long value, int digits) {
    long unit = (long) Math.pow(10, digits);
    long whole = value / unit;
    long frac = value % unit;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String f = String.format("%0" + digits + "d", frac).replaceAll("0+$", "");
    return whole + "." + f;
  }
}
