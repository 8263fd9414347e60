package dev.kvx.controller;

import dev.kvx.component.controller.Controller;
import java.util.List;
import java.util.function.Function;

/**
 * A controller the manager can run (upstream's {@code ControllerDescriptor}): its name as {@code
 * --controllers} spells it, older aliases, whether {@code *} enables it, and how to build it.
 *
 * <p>The factory registers the controller's informer handlers and returns its runner, not
 * started.
 */
public record ControllerDescriptor(
    String name,
    List<String> aliases,
    boolean enabledByDefault,
    Function<ControllerContext, Controller> factory) {

  public static ControllerDescriptor of(
      String name, String alias, Function<ControllerContext, Controller> factory) {
    return new ControllerDescriptor(name, List.of(alias), true, factory);
  }
}
