package dev.kvx.apiserver.table;

import java.time.Duration;
import java.time.Instant;

/**
 * apimachinery's {@code duration.HumanDuration}: two or three significant figures, as in the AGE
 * column ({@code 5s}, {@code 3m2s}, {@code 4h}, {@code 2d3h}, {@code 10d}, {@code 3y40d}).
 */
public final class HumanDuration {

  private HumanDuration() {}

  /** The age of something created at {@code from}, {@code <unknown>} when it has no time. */
  public static String since(Instant from, Instant now) {
    return from == null ? "<unknown>" : format(Duration.between(from, now));
  }

  public static String format(Duration d) {
    // Up to two seconds in the future still reads as "0s": clocks of two machines disagree.
    long seconds = d.getSeconds() < 0 && d.getNano() > 0 ? d.getSeconds() + 1 : d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
