package dev.kvx.apiserver.errors;

import dev.kvx.apiserver.json.Json;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place Kubernetes {@code Status} errors are built, as apimachinery's
 * pkg/api/errors: one factory and one predicate per reason, with upstream's codes and messages.
 */
public final class Statuses {

  private Statuses() {}

  private static String qualified(String group, String resource) {
    return group == null || group.isEmpty() ? resource : resource + "." + group;
  }

  public static StatusException notFound(String group, String resource, String name) {
    return new StatusException(
        404,
        "NotFound",
        qualified(group, resource) + " \"" + name + "\" not found",
        group,
        resource,
        name,
        null,
        null);
  }

  public static StatusException alreadyExists(String group, String resource, String name) {
    return new StatusException(
        409,
        "AlreadyExists",
        qualified(group, resource) + " \"" + name + "\" already exists",
        group,
        resource,
        name,
        null,
        null);
  }

  public static StatusException conflict(String group, String resource, String name, String why) {
    return new StatusException(
        409,
        "Conflict",
        "Operation cannot be fulfilled on " + qualified(group, resource) + " \"" + name + "\": " + why,
        group,
        resource,
        name,
        null,
        null);
  }

  /** The optimistic-concurrency conflict kubectl and client-go retry on. */
  public static StatusException staleResourceVersion(String group, String resource, String name) {
    return conflict(
        group,
        resource,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  /** 422 Invalid; {@code kind} is the Kind (e.g. {@code Deployment}), as upstream. */
  public static StatusException invalid(
      String group, String kind, String name, List<StatusException.Cause> causes) {
    StringBuilder msg =
        new StringBuilder(qualified(group, kind)).append(" \"").append(name).append("\" is invalid: ");
    if (causes.size() == 1) {
      StatusException.Cause c = causes.get(0);
      msg.append(c.field()).append(": ").append(c.message());
    } else {
      msg.append('[');
      for (int i = 0; i < causes.size(); i++) {
        StatusException.Cause c = causes.get(i);
        if (i > 0) {
          msg.append(", ");
        }
        msg.append(c.field()).append(": ").append(c.message());
      }
      msg.append(']');
    }
    return new StatusException(422, "Invalid", msg.toString(), group, kind, name, causes, null);
  }

  /** A single-field Invalid, with the field error type (e.g. {@code FieldValueRequired}). */
  public static StatusException invalid(
      String group, String kind, String name, String type, String field, String message) {
    return invalid(group, kind, name, List.of(new StatusException.Cause(type, field, message)));
  }

  public static StatusException badRequest(String message) {
    return new StatusException(400, "BadRequest", message, null, null, null, null, null);
  }

  public static StatusException unauthorized(String message) {
    return new StatusException(401, "Unauthorized", message, null, null, null, null, null);
  }

  public static StatusException forbidden(
      String group, String resource, String name, String why) {
    String target = qualified(group, resource) + (name == null ? "" : " \"" + name + "\"");
    return new StatusException(
        403, "Forbidden", target + " is forbidden: " + why, group, resource, name, null, null);
  }

  public static StatusException methodNotSupported(String group, String resource, String verb) {
    return new StatusException(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        group,
        resource,
        null,
        null,
        null);
  }

  public static StatusException notAcceptable(String message) {
    return new StatusException(406, "NotAcceptable", message, null, null, null, null, null);
  }

  /** Upstream's {@code errors.NewApplyConflict}: 409 Conflict whose details carry only the causes. */
  public static StatusException applyConflict(List<StatusException.Cause> causes, String message) {
    return new StatusException(409, "Conflict", message, null, null, null, causes, null);
  }

  /** A PATCH whose content type the resource does not take, naming the ones it does. */
  public static StatusException unsupportedPatchType(List<String> accepted) {
    return new StatusException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + String.join(", ", accepted),
        null,
        null,
        null,
        null,
        null);
  }

  public static StatusException unsupportedMediaType(String contentType) {
    return new StatusException(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json, application/yaml, application/vnd.kubernetes.protobuf"
            + (contentType == null ? "" : " (got " + contentType + ")"),
        null,
        null,
        null,
        null,
        null);
  }

  public static StatusException requestEntityTooLarge(String message) {
    return new StatusException(413, "RequestEntityTooLarge", message, null, null, null, null, null);
  }

  /** 410 Gone for a watch or list at a compacted resourceVersion. */
  public static StatusException expired(String message) {
    return new StatusException(410, "Expired", message, null, null, null, null, null);
  }

  public static StatusException gone(String message) {
    return new StatusException(410, "Gone", message, null, null, null, null, null);
  }

  public static StatusException tooManyRequests(String message, int retryAfterSeconds) {
    return new StatusException(
        429, "TooManyRequests", message, null, null, null, null, retryAfterSeconds);
  }

  public static StatusException internalError(String message) {
    return new StatusException(
        500,
        "InternalError",
        "Internal error occurred: " + message,
        null,
        null,
        null,
        null,
        null);
  }

  public static StatusException serviceUnavailable(String message) {
    return new StatusException(503, "ServiceUnavailable", message, null, null, null, null, null);
  }

  public static StatusException timeout(String message) {
    return new StatusException(504, "Timeout", message, null, null, null, null, null);
  }

  /** Upstream answers a plain 404 with empty reason for an unknown path. */
  public static StatusException pathNotFound(String path) {
    return new StatusException(404, "NotFound", "the server could not find the requested resource", null, null, null, null, null);
  }

  public static boolean isNotFound(Throwable t) {
    return t instanceof StatusException s && "NotFound".equals(s.reason());
  }

  public static boolean isAlreadyExists(Throwable t) {
    return t instanceof StatusException s && "AlreadyExists".equals(s.reason());
  }

  public static boolean isConflict(Throwable t) {
    return t instanceof StatusException s && "Conflict".equals(s.reason());
  }

  public static boolean isInvalid(Throwable t) {
    return t instanceof StatusException s && "Invalid".equals(s.reason());
  }

  public static boolean isExpired(Throwable t) {
    return t instanceof StatusException s && s.code() == 410;
  }

  /** Renders the {@code metav1.Status} body. */
  public static ObjectNode toJson(StatusException e) {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", e.getMessage());
    if (e.reason() != null && !e.reason().isEmpty()) {
      s.put("reason", e.reason());
    }
    if (e.name() != null || e.kind() != null || !e.causes().isEmpty() || e.retryAfterSeconds() != null) {
      ObjectNode d = s.putObject("details");
      if (e.name() != null) {
        d.put("name", e.name());
      }
      if (e.group() != null && !e.group().isEmpty()) {
        d.put("group", e.group());
      }
      if (e.kind() != null) {
        d.put("kind", e.kind());
      }
      if (!e.causes().isEmpty()) {
        ArrayNode causes = d.putArray("causes");
        for (StatusException.Cause c : e.causes()) {
          ObjectNode cn = causes.addObject();
          if (c.type() != null) {
            cn.put("reason", c.type());
          }
          cn.put("message", c.message());
          if (c.field() != null) {
            cn.put("field", c.field());
          }
        }
      }
      if (e.retryAfterSeconds() != null) {
        d.put("retryAfterSeconds", e.retryAfterSeconds());
      }
    }
    s.put("code", e.code());
    return s;
  }

  /** A {@code Status} of success, as DELETE of a collection or of a finished object returns. */
  public static ObjectNode success() {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    return s;
  }
}
