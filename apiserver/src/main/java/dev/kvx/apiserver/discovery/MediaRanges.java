package dev.kvx.apiserver.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP Accept header as the ordered list of media ranges a server should try: highest
 * q-value first, ties in the order the client wrote them (which is how kube-apiserver's
 * negotiation picks among {@code application/json;as=Table;v=v1;g=meta.k8s.io,application/json}).
 * Ranges with {@code q=0} are dropped.
 */
public final class MediaRanges {

  /**
   * One media range: {@code type/subtype} in lower case and its parameters (names in lower case,
   * values as sent, without quotes); {@code q} is not among the parameters.
   */
  public record MediaRange(String mediaType, Map<String, String> parameters, double q) {

    public String parameter(String name) {
      return parameters.get(name);
    }

    /** Whether the range matches {@code application/json} ({@code *}/{@code *} and {@code application/*} do). */
    public boolean acceptsJson() {
      return mediaType.equals("application/json")
          || mediaType.equals("application/*")
          || mediaType.equals("*/*");
    }
  }

  private MediaRanges() {}

  /** The ranges of an Accept header, best first; an absent or blank header yields none. */
  public static List<MediaRange> parse(String accept) {
    List<MediaRange> out = new ArrayList<>();
    if (accept == null || accept.isBlank()) {
      return out;
    }
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      String mediaType = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (mediaType.isEmpty()) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      double q = 1.0;
      for (int i = 1; i < pieces.length; i++) {
        String p = pieces[i].trim();
        int eq = p.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(p.substring(eq + 1).trim());
        if (name.equals("q")) {
          q = parseQ(value);
        } else {
          params.put(name, value);
        }
      }
      if (q > 0) {
        out.add(new MediaRange(mediaType, Map.copyOf(params), q));
      }
    }
    // List.sort is stable: equal q-values keep the client's order.
    out.sort(Comparator.comparingDouble(MediaRange::q).reversed());
    return out;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static double parseQ(String v) {
    try {
      double q = Double.parseDouble(v);
      return q < 0 || q > 1 || Double.isNaN(q) ? 1.0 : q;
    } catch (NumberFormatException e) {
      return 1.0;
    }
  }
}
