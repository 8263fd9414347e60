package dev.kvx.scheduler.framework;

import java.util.EnumSet;
import java.util.Set;

/**
 * A change in the cluster that may make unschedulable pods schedulable (upstream {@code
 * ClusterEvent}): a resource and what happened to it. Plugins register the events that could
 * resolve their rejections ({@link EnqueueExtensions}); the queue moves a parked pod only on an
 * event one of its rejecting plugins registered.
 */
public record ClusterEvent(ResourceKind resource, Set<ActionType> actions, String label) {

  /** What kind of object changed. */
  public enum ResourceKind {
    NODE,
    /** A pod bound to a node (the scheduler's cache view). */
    ASSIGNED_POD,
    /** The unscheduled pod itself was updated. */
    UNSCHEDULED_POD,
    PRIORITY_CLASS,
    /** Matches every resource (e.g. the unschedulable-timeout flush). */
    WILDCARD
  }

  /** What happened (upstream's ActionType bits, the ones kvx uses). */
  public enum ActionType {
    ADD,
    DELETE,
    UPDATE_NODE_ALLOCATABLE,
    UPDATE_NODE_LABEL,
    UPDATE_NODE_TAINT,
    UPDATE_NODE_CONDITION,
    UPDATE_POD_LABEL,
    UPDATE_POD_SCALE_DOWN,
    UPDATE_POD_TOLERATIONS,
    UPDATE_POD_SCHEDULING_GATES_ELIMINATED,
    UPDATE_POD_OTHER;

    /** Every update kind. */
    public static final Set<ActionType> UPDATE =
        EnumSet.complementOf(EnumSet.of(ActionType.ADD, ActionType.DELETE));

    /** Everything. */
    public static final Set<ActionType> ALL = EnumSet.allOf(ActionType.class);
  }

  public static final ClusterEvent NODE_ADD = of(ResourceKind.NODE, "NodeAdd", ActionType.ADD);
  public static final ClusterEvent ASSIGNED_POD_ADD =
      of(ResourceKind.ASSIGNED_POD, "AssignedPodAdd", ActionType.ADD);
  public static final ClusterEvent ASSIGNED_POD_DELETE =
      of(ResourceKind.ASSIGNED_POD, "AssignedPodDelete", ActionType.DELETE);
  public static final ClusterEvent UNSCHEDULABLE_TIMEOUT =
      new ClusterEvent(ResourceKind.WILDCARD, ActionType.ALL, "UnschedulableTimeout");
  public static final ClusterEvent FORCE_ACTIVATE =
      new ClusterEvent(ResourceKind.WILDCARD, ActionType.ALL, "ForceActivate");

  public static ClusterEvent of(
      ResourceKind resource, String label, ActionType first, ActionType... rest) {
    return new ClusterEvent(resource, EnumSet.of(first, rest), label);
  }

  /** A registration of {@code resource} for {@code actions} (the label is for logs only). */
  public static ClusterEvent register(ResourceKind resource, Set<ActionType> actions) {
    return new ClusterEvent(resource, EnumSet.copyOf(actions), resource + "/" + actions);
  }

  public static ClusterEvent register(ResourceKind resource, ActionType first, ActionType... rest) {
    return register(resource, EnumSet.of(first, rest));
  }

  /** Whether this registration covers the event {@code e} (or either side is a wildcard). */
  public boolean matches(ClusterEvent e) {
    if (resource == ResourceKind.WILDCARD || e.resource == ResourceKind.WILDCARD) {
      return true;
    }
    if (resource != e.resource) {
      return false;
    }
    for (ActionType a : e.actions) {
      if (actions.contains(a)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return label;
  }
}
