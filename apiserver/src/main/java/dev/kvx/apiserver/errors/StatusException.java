package dev.kvx.apiserver.errors;

import java.util.List;

/**
 * A failure the API server answers with a {@code metav1.Status}: the HTTP code, the reason and the
 * details Kubernetes puts there. Build them with {@link Statuses}; render with {@link
 * Statuses#toJson}.
 */
public final class StatusException extends RuntimeException {

  /** One {@code details.causes} entry: a field path, a reason and a message. */
  public record Cause(String type, String field, String message) {}

  private final int code;
  private final String reason;
  private final String group;
  private final String kind;
  private final String name;
  private final List<Cause> causes;
  private final Integer retryAfterSeconds;

  StatusException(
      int code,
      String reason,
      String message,
      String group,
      String kind,
      String name,
      List<Cause> causes,
      Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causes = causes == null ? List.of() : List.copyOf(causes);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int code() {
    return code;
  }

  /** The StatusReason, e.g. {@code NotFound}; empty for reasons Kubernetes leaves unset. */
  public String reason() {
    return reason;
  }

  public String group() {
    return group;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  public List<Cause> causes() {
    return causes;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
