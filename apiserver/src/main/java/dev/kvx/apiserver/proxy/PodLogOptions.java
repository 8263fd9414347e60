package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query of {@code GET pods/NAME/log} ({@code core/v1 PodLogOptions}): decoded as apimachinery's
 * query-parameter conversion does, validated as {@code ValidatePodLogOptions} (422 {@code
 * PodLogOptions "NAME" is invalid}), and re-encoded for the kubelet's {@code /containerLogs}, as
 * upstream's {@code LogLocation}. Pure.
 *
 * @param sinceTime RFC 3339, normalised to UTC seconds
 */
record PodLogOptions(
    String container,
    boolean follow,
    boolean previous,
    boolean timestamps,
    Long sinceSeconds,
    Instant sinceTime,
    Long tailLines,
    Long limitBytes) {

  /** Reads and validates the options of a log request for pod {@code podName}. */
  static PodLogOptions parse(MultiMap query, String podName) {
    PodLogOptions options =
        new PodLogOptions(
            query.get("container"),
            flag(query, "follow"),
            flag(query, "previous"),
            flag(query, "timestamps"),
            integer(query, "sinceSeconds"),
            time(query, "sinceTime"),
            integer(query, "tailLines"),
            integer(query, "limitBytes"));
    options.validate(podName);
    return options;
  }

  private void validate(String podName) {
    List<StatusException.Cause> causes = new ArrayList<>();
    if (tailLines != null && tailLines < 0) {
      causes.add(invalid("tailLines", tailLines, "must be greater than or equal to 0"));
    }
    if (limitBytes != null && limitBytes < 1) {
      causes.add(invalid("limitBytes", limitBytes, "must be greater than 0"));
    }
    if (sinceSeconds != null && sinceTime != null) {
      causes.add(
          new StatusException.Cause(
              "FieldValueForbidden",
              "",
              "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified"));
    } else if (sinceSeconds != null && sinceSeconds < 1) {
      causes.add(invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
    }
    if (!causes.isEmpty()) {
      throw Statuses.invalid("", "PodLogOptions", podName, causes);
    }
  }

  /** The kubelet's query string (no leading {@code ?}; empty when there are no options). */
  String kubeletQuery() {
    Map<String, String> params = new LinkedHashMap<>();
    if (follow) {
      params.put("follow", "true");
    }
    if (previous) {
      params.put("previous", "true");
    }
    if (timestamps) {
      params.put("timestamps", "true");
    }
    if (sinceSeconds != null) {
      params.put("sinceSeconds", Long.toString(sinceSeconds));
    }
    if (sinceTime != null) {
      params.put("sinceTime", sinceTime.toString());
    }
    if (tailLines != null) {
      params.put("tailLines", Long.toString(tailLines));
    }
    if (limitBytes != null) {
      params.put("limitBytes", Long.toString(limitBytes));
    }
    return encode(params);
  }

  static String encode(Map<String, String> params) {
    StringBuilder query = new StringBuilder();
    params.forEach(
        (k, v) -> {
          if (query.length() > 0) {
            query.append('&');
          }
          query.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
    return query.toString();
  }

  private static StatusException.Cause invalid(String field, long value, String why) {
    return new StatusException.Cause(
        "FieldValueInvalid", field, "Invalid value: " + value + ": " + why);
  }

  /**
   * A boolean parameter as apimachinery converts one: absent, empty, {@code 0} or {@code false}
   * (any case) is false, anything else true.
   */
  static boolean flag(MultiMap query, String name) {
    String v = query.get(name);
    return v != null && !v.isEmpty() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }

  private static Long integer(MultiMap query, String name) {
    String v = query.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest(
          "strconv.ParseInt: parsing \"" + v + "\": invalid syntax (parameter " + name + ")");
    }
  }

  private static Instant time(MultiMap query, String name) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw Statuses.badRequest(
          "parsing time \"" + v + "\" as RFC 3339 failed (parameter " + name + ")");
    }
  }
}
