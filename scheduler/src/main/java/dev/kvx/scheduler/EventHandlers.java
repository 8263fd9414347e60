package dev.kvx.scheduler;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Resource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Informer events to the scheduler's cache and queue (upstream's {@code eventhandlers.go}):
 *
 * <ul>
 *   <li>unassigned pods of this scheduler's profiles go to the queue (added, updated, removed);
 *   <li>assigned pods go to the cache, and their arrival, change or removal is a cluster event that
 *       may move unschedulable pods;
 *   <li>nodes go to the cache; an added node, or a change of allocatable, labels, taints,
 *       unschedulable or condition statuses, is a cluster event (heartbeats are not).
 * </ul>
 *
 * <p>Handlers return quickly (a lock or two); they run on the informers' threads. Finished pods
 * (Succeeded/Failed) hold no resources and leave the cache.
 */
public final class EventHandlers {
  private final Scheduler scheduler;

  public EventHandlers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  public ResourceEventHandler<Pod> podHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        addPod(pod);
      }

      @Override
      public void onUpdate(Pod oldPod, Pod newPod) {
        updatePod(oldPod, newPod);
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        deletePod(pod);
      }
    };
  }

  public ResourceEventHandler<Node> nodeHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node node) {
        scheduler.cache().addNode(node);
        scheduler.queue().moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD);
      }

      @Override
      public void onUpdate(Node oldNode, Node newNode) {
        scheduler.cache().updateNode(oldNode, newNode);
        Set<ActionType> changes = nodeChanges(oldNode, newNode);
        if (!changes.isEmpty()) {
          scheduler
              .queue()
              .moveAllToActiveOrBackoffQueue(
                  new ClusterEvent(ResourceKind.NODE, changes, "NodeUpdate" + changes));
        }
      }

      @Override
      public void onDelete(Node node, boolean deletedFinalStateUnknown) {
        scheduler.cache().removeNode(node);
        scheduler
            .queue()
            .moveAllToActiveOrBackoffQueue(
                ClusterEvent.of(ResourceKind.NODE, "NodeDelete", ActionType.DELETE));
      }
    };
  }

  void addPod(Pod pod) {
    if (assigned(pod)) {
      if (!terminal(pod)) {
        scheduler.cache().addPod(info(pod));
        scheduler.queue().moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD);
      }
    } else if (scheduler.responsibleFor(pod) && !terminal(pod)) {
      scheduler.queue().add(info(pod));
    }
  }

  void updatePod(Pod oldPod, Pod newPod) {
    if (assigned(newPod)) {
      if (!assigned(oldPod)) {
        // Bound (by us or anyone): from the queue's world to the cache's.
        scheduler.queue().delete(oldPod);
        addPod(newPod);
        return;
      }
      if (terminal(newPod)) {
        scheduler.cache().removePod(newPod);
        scheduler.queue().moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE);
        return;
      }
      scheduler.cache().updatePod(info(newPod));
      Set<ActionType> changes = assignedPodChanges(oldPod, newPod);
      if (!changes.isEmpty()) {
        scheduler
            .queue()
            .moveAllToActiveOrBackoffQueue(
                new ClusterEvent(ResourceKind.ASSIGNED_POD, changes, "AssignedPodUpdate"));
      }
      return;
    }
    if (!scheduler.responsibleFor(newPod) || terminal(newPod)) {
      scheduler.queue().delete(newPod);
      return;
    }
    scheduler.queue().update(oldPod, info(newPod));
  }

  void deletePod(Pod pod) {
    if (assigned(pod)) {
      scheduler.cache().removePod(pod);
      scheduler.queue().moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE);
    } else {
      scheduler.queue().delete(pod);
    }
  }

  private PodInfo info(Pod pod) {
    return scheduler.priorities().podInfo(pod);
  }

  static boolean assigned(Pod pod) {
    return pod.getSpec() != null
        && pod.getSpec().getNodeName() != null
        && !pod.getSpec().getNodeName().isEmpty();
  }

  static boolean terminal(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /**
   * What changed on a node that scheduling cares about (upstream's nodeSchedulingPropertiesChange).
   */
  static Set<ActionType> nodeChanges(Node oldNode, Node newNode) {
    Set<ActionType> out = EnumSet.noneOf(ActionType.class);
    if (!Objects.equals(allocatable(oldNode), allocatable(newNode))) {
      out.add(ActionType.UPDATE_NODE_ALLOCATABLE);
    }
    if (!Objects.equals(oldNode.getMetadata().getLabels(), newNode.getMetadata().getLabels())) {
      out.add(ActionType.UPDATE_NODE_LABEL);
    }
    var oldSpec = oldNode.getSpec();
    var newSpec = newNode.getSpec();
    if (!Objects.equals(
            oldSpec == null ? null : oldSpec.getTaints(),
            newSpec == null ? null : newSpec.getTaints())
        || !Objects.equals(
            oldSpec == null ? null : oldSpec.getUnschedulable(),
            newSpec == null ? null : newSpec.getUnschedulable())) {
      out.add(ActionType.UPDATE_NODE_TAINT);
    }
    if (!conditionStatuses(oldNode).equals(conditionStatuses(newNode))) {
      out.add(ActionType.UPDATE_NODE_CONDITION);
    }
    return out;
  }

  private static Resource allocatable(Node node) {
    return Resource.of(node.getStatus() == null ? null : node.getStatus().getAllocatable());
  }

  /** Condition type → status, ignoring heartbeat and transition times. */
  private static Map<String, String> conditionStatuses(Node node) {
    Map<String, String> out = new HashMap<>();
    List<NodeCondition> conditions =
        node.getStatus() == null ? null : node.getStatus().getConditions();
    if (conditions != null) {
      for (NodeCondition c : conditions) {
        out.put(c.getType(), c.getStatus());
      }
    }
    return out;
  }

  /** What changed on an assigned pod that may let others fit (labels, lower requests). */
  static Set<ActionType> assignedPodChanges(Pod oldPod, Pod newPod) {
    Set<ActionType> out = EnumSet.noneOf(ActionType.class);
    if (!Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())) {
      out.add(ActionType.UPDATE_POD_LABEL);
    }
    Resource before = dev.kvx.scheduler.framework.PodRequests.of(oldPod);
    Resource after = dev.kvx.scheduler.framework.PodRequests.of(newPod);
    if (after.milliCpu() < before.milliCpu() || after.memory() < before.memory()) {
      out.add(ActionType.UPDATE_POD_SCALE_DOWN);
    }
    return out;
  }
}
