package dev.kvx.kubelet;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Kubernetes' time formats: {@code metav1.Time} (RFC 3339, seconds) and {@code MicroTime}. */
public final class KubeTime {
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private KubeTime() {}

  /** {@code 2026-01-01T10:00:00Z}: a {@code metav1.Time}, truncated to seconds as upstream. */
  public static String format(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** {@code 2026-01-01T10:00:00.123456Z}: a {@code metav1.MicroTime} (Lease renewTime). */
  public static String micro(Instant t) {
    return t == null ? null : MICRO.format(t);
  }

  /** Parses either format; null for null or blank. */
  public static Instant parse(String s) {
    return s == null || s.isBlank() ? null : Instant.parse(s);
  }
}
