package dev.kvx.controller.common;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** metav1.Time on the wire: RFC 3339 with second precision, UTC. */
public final class Times {
  private Times() {}

  /** {@code t} as metav1.Time writes it ({@code 2026-01-01T00:00:00Z}). */
  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Parses a metav1.Time/MicroTime; null for null or unparsable input. */
  public static Instant parse(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
