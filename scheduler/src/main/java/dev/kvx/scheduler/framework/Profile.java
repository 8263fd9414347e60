package dev.kvx.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scheduling profile (upstream {@code KubeSchedulerProfile}): the scheduler name pods select it
 * by, and the enabled plugins in order with their score weights. Each plugin is enabled at every
 * extension point it implements, as upstream's {@code multiPoint}.
 */
public record Profile(String schedulerName, List<PluginRef> plugins) {
  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  /** An enabled plugin and its score weight (used only if it is a score plugin). */
  public record PluginRef(String name, int weight) {
    public PluginRef {
      Objects.requireNonNull(name, "name");
      if (weight < 0) {
        throw new IllegalArgumentException("negative weight for " + name);
      }
    }
  }

  public Profile {
    Objects.requireNonNull(schedulerName, "schedulerName");
    plugins = List.copyOf(plugins);
  }

  /**
   * Upstream's default profile (v1 {@code getDefaultPlugins}) without the volume and DRA plugins,
   * which kvx does not have: filters in upstream's order, and score weights TaintToleration 3,
   * NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2, the rest 1. PrioritySort is the
   * queue's fixed order.
   */
  public static Profile defaultProfile() {
    return new Profile(
        DEFAULT_SCHEDULER_NAME,
        List.of(
            new PluginRef("SchedulingGates", 0),
            new PluginRef("NodeUnschedulable", 0),
            new PluginRef("NodeName", 0),
            new PluginRef("TaintToleration", 3),
            new PluginRef("NodeAffinity", 2),
            new PluginRef("NodePorts", 0),
            new PluginRef("NodeResourcesFit", 1),
            new PluginRef("PodTopologySpread", 2),
            new PluginRef("InterPodAffinity", 2),
            new PluginRef("DefaultPreemption", 0),
            new PluginRef("NodeResourcesBalancedAllocation", 1),
            new PluginRef("ImageLocality", 1),
            new PluginRef("DefaultBinder", 0)));
  }

  /** This profile under another scheduler name. */
  public Profile withSchedulerName(String name) {
    return new Profile(name, plugins);
  }

  /** This profile without the plugin {@code name}. */
  public Profile without(String name) {
    List<PluginRef> out = new ArrayList<>(plugins);
    out.removeIf(p -> p.name().equals(name));
    return new Profile(schedulerName, out);
  }

  /** This profile with only the named plugins kept (in this profile's order). */
  public Profile only(String... names) {
    List<String> keep = List.of(names);
    List<PluginRef> out = new ArrayList<>(plugins);
    out.removeIf(p -> !keep.contains(p.name()));
    return new Profile(schedulerName, out);
  }
}
