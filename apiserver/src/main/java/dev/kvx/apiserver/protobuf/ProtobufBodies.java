package dev.kvx.apiserver.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import io.kubernetes.client.proto.Runtime.Unknown;
import java.util.Arrays;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes the protobuf request bodies kubectl ≥ 1.32 sends for typed commands ({@code kubectl
 * create namespace|configmap|secret|deployment|…}, {@code create token}, {@code auth can-i}) into
 * the JSON object kube-apiserver would have received from a JSON client.
 *
 * <p>The wire format is apimachinery's protobuf envelope: the 4-byte magic {@code k8s\0}, then a
 * {@code runtime.Unknown} whose typeMeta names the object and whose raw bytes are the object's own
 * message. The message is parsed with the descriptors of {@code io.kubernetes:client-java-proto}
 * and converted with Go's encoding/json rules (see {@link GoJson}).
 *
 * <p>Pure and thread-safe; cheap enough to run on an event loop for bodies of a few KiB, but the
 * caller should keep the 3 MiB body limit in front of it.
 */
public final class ProtobufBodies {

  /** The media type kubectl sends ({@code Content-Type}) and accepts for protobuf. */
  public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufBodies() {}

  /** Whether a Content-Type header names the Kubernetes protobuf encoding (parameters ignored). */
  public static boolean isProtobuf(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String mediaType = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return mediaType.trim().toLowerCase(Locale.ROOT).equals(CONTENT_TYPE);
  }

  /**
   * The JSON form of a protobuf request body, with {@code apiVersion} and {@code kind} set.
   *
   * @throws StatusException 400 BadRequest for a body that is not a well-formed envelope or
   *     message, 415 UnsupportedMediaType for a kind without a protobuf schema here (for example a
   *     custom resource: upstream serves those as JSON only)
   */
  public static ObjectNode decode(byte[] body) {
    if (body == null || body.length < MAGIC.length
        || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw Statuses.badRequest(
          "the body of the request is not a Kubernetes protobuf message: missing the k8s\\0 prefix");
    }
    Unknown unknown;
    try {
      unknown = Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw Statuses.badRequest("the protobuf envelope of the request is malformed: " + e.getMessage());
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw Statuses.badRequest("the protobuf envelope of the request names no apiVersion and kind");
    }
    if (!unknown.getContentEncoding().isEmpty()) {
      throw Statuses.badRequest(
          "unsupported content encoding in protobuf envelope: " + unknown.getContentEncoding());
    }
    ObjectNode object = isJsonContent(unknown.getContentType())
        ? rawJson(unknown.getRaw().toByteArray())
        : fromProtobuf(apiVersion, kind, unknown.getRaw().toByteArray());
    ObjectNode out = Json.object();
    out.put("kind", kind);
    out.put("apiVersion", apiVersion);
    object.remove("kind");
    object.remove("apiVersion");
    out.setAll(object);
    return out;
  }

  private static ObjectNode fromProtobuf(String apiVersion, String kind, byte[] raw) {
    Descriptor descriptor =
        KubernetesProtoTypes.find(apiVersion, kind)
            .orElseThrow(() -> Statuses.unsupportedMediaType(CONTENT_TYPE + " for " + apiVersion + ", Kind=" + kind));
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(descriptor, raw);
    } catch (InvalidProtocolBufferException e) {
      throw Statuses.badRequest(
          "the protobuf body of " + apiVersion + ", Kind=" + kind + " is malformed: " + e.getMessage());
    }
    return GoJson.object(message);
  }

  // runtime.Unknown may also carry JSON (contentType application/json); nothing sends that today,
  // but it costs nothing to honour.
  private static boolean isJsonContent(String contentType) {
    return contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
  }

  private static ObjectNode rawJson(byte[] raw) {
    try {
      JsonNode node = Json.parse(raw);
      if (node instanceof ObjectNode o) {
        return o;
      }
    } catch (JacksonException e) {
      // fall through to the error below
    }
    throw Statuses.badRequest("the JSON inside the protobuf envelope is not an object");
  }
}
