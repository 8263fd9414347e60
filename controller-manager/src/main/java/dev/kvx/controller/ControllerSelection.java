package dev.kvx.controller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --controllers} as upstream reads it: {@code *} enables every on-by-default controller,
 * {@code foo} enables foo, {@code -foo} disables foo; an explicit name or its negation wins over
 * {@code *}. Names may be given as aliases (e.g. {@code replicaset} for {@code
 * replicaset-controller}).
 */
public final class ControllerSelection {
  private ControllerSelection() {}

  /**
   * The enabled descriptors, in {@code known}'s order.
   *
   * @throws IllegalArgumentException naming an unknown controller
   */
  public static List<ControllerDescriptor> enabled(
      List<String> flag, List<ControllerDescriptor> known) {
    Map<String, ControllerDescriptor> byName = new LinkedHashMap<>();
    for (ControllerDescriptor d : known) {
      byName.put(d.name(), d);
      d.aliases().forEach(a -> byName.put(a, d));
    }
    boolean star = false;
    Map<ControllerDescriptor, Boolean> explicit = new LinkedHashMap<>();
    for (String raw : flag) {
      String item = raw.strip();
      if (item.isEmpty()) {
        continue;
      }
      if (item.equals("*")) {
        star = true;
        continue;
      }
      boolean disable = item.startsWith("-");
      String name = disable ? item.substring(1) : item;
      ControllerDescriptor d = byName.get(name);
      if (d == null) {
        throw new IllegalArgumentException(
            "\"" + name + "\" is not in the list of known controllers");
      }
      explicit.put(d, !disable);
    }
    List<ControllerDescriptor> out = new ArrayList<>();
    for (ControllerDescriptor d : known) {
      Boolean e = explicit.get(d);
      if (e != null ? e : star && d.enabledByDefault()) {
        out.add(d);
      }
    }
    return out;
  }
}
