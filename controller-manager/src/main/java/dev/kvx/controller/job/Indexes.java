package dev.kvx.controller.job;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** Completion indexes and their compressed form in {@code status.completedIndexes} ("0-2,5"). Pure. */
final class Indexes {
  private Indexes() {}

  static SortedSet<Integer> parse(String s) {
    SortedSet<Integer> out = new TreeSet<>();
    if (s == null || s.isEmpty()) {
      return out;
    }
    for (String part : s.split(",")) {
      int dash = part.indexOf('-');
      try {
        if (dash < 0) {
          out.add(Integer.parseInt(part.strip()));
        } else {
          int from = Integer.parseInt(part.substring(0, dash).strip());
          int to = Integer.parseInt(part.substring(dash + 1).strip());
          for (int i = from; i <= to; i++) {
            out.add(i);
          }
        }
      } catch (NumberFormatException e) {
        // an invalid interval is ignored, as upstream's parser skips it
      }
    }
    return out;
  }

  static String format(SortedSet<Integer> indexes) {
    List<String> parts = new ArrayList<>();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (start == null) {
        start = i;
      } else if (i != prev + 1) {
        parts.add(start.equals(prev) ? String.valueOf(start) : start + "-" + prev);
        start = i;
      }
      prev = i;
    }
    if (start != null) {
      parts.add(start.equals(prev) ? String.valueOf(start) : start + "-" + prev);
    }
    return String.join(",", parts);
  }
}
