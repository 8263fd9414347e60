package dev.kvx.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status patch the scheduler sends for a pod it could not schedule (upstream's {@code
 * updatePod} with {@code podutil.UpdatePodCondition}): the condition replaces the one of its type,
 * keeping lastTransitionTime unless the status flips; nominatedNodeName is written only when it
 * changes. Nothing is sent when nothing changes, so a pod failing again for the same reason costs
 * no write.
 *
 * <p>The whole conditions list is sent, which a strategic merge patch and a JSON merge patch apply
 * the same way.
 */
public final class PodStatusPatch {
  private PodStatusPatch() {}

  /**
   * The body of a patch to {@code pods/NAME/status}, or null if nothing would change.
   *
   * @param condition the condition to set, or null
   * @param nominatedNodeName the node to nominate, "" to clear, null to leave as is
   */
  public static Map<String, Object> of(
      Pod pod, PodCondition condition, String nominatedNodeName, Instant now) {
    var status = pod.getStatus();
    List<PodCondition> current =
        status == null || status.getConditions() == null ? List.of() : status.getConditions();
    String currentNnn =
        status == null || status.getNominatedNodeName() == null
            ? ""
            : status.getNominatedNodeName();
    boolean nnnChanges = nominatedNodeName != null && !nominatedNodeName.equals(currentNnn);
    List<PodCondition> updated = null;
    if (condition != null) {
      updated = updateCondition(current, condition, now);
    }
    if (updated == null && !nnnChanges) {
      return null;
    }
    Map<String, Object> statusPatch = new LinkedHashMap<>();
    if (updated != null) {
      statusPatch.put("conditions", updated.stream().map(PodStatusPatch::toMap).toList());
    }
    if (nnnChanges) {
      statusPatch.put("nominatedNodeName", nominatedNodeName.isEmpty() ? null : nominatedNodeName);
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("status", statusPatch);
    return patch;
  }

  /** The conditions with {@code c} set, or null if that changes nothing. */
  static List<PodCondition> updateCondition(
      List<PodCondition> current, PodCondition c, Instant now) {
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<PodCondition> out = new ArrayList<>(current.size() + 1);
    boolean found = false;
    boolean changed = false;
    for (PodCondition old : current) {
      if (!Objects.equals(old.getType(), c.getType())) {
        out.add(old);
        continue;
      }
      found = true;
      PodCondition n = copy(c);
      n.setLastTransitionTime(
          Objects.equals(old.getStatus(), c.getStatus()) && old.getLastTransitionTime() != null
              ? old.getLastTransitionTime()
              : ts);
      if (n.getLastProbeTime() == null) {
        n.setLastProbeTime(old.getLastProbeTime());
      }
      changed =
          !Objects.equals(old.getStatus(), n.getStatus())
              || !Objects.equals(old.getReason(), n.getReason())
              || !Objects.equals(old.getMessage(), n.getMessage())
              || !Objects.equals(old.getLastTransitionTime(), n.getLastTransitionTime())
              || !Objects.equals(old.getLastProbeTime(), n.getLastProbeTime());
      out.add(n);
    }
    if (!found) {
      PodCondition n = copy(c);
      if (n.getLastTransitionTime() == null) {
        n.setLastTransitionTime(ts);
      }
      out.add(n);
      changed = true;
    }
    return changed ? out : null;
  }

  private static PodCondition copy(PodCondition c) {
    PodCondition n = new PodCondition();
    n.setType(c.getType());
    n.setStatus(c.getStatus());
    n.setReason(c.getReason());
    n.setMessage(c.getMessage());
    n.setLastProbeTime(c.getLastProbeTime());
    n.setLastTransitionTime(c.getLastTransitionTime());
    n.setObservedGeneration(c.getObservedGeneration());
    return n;
  }

  private static Map<String, Object> toMap(PodCondition c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", c.getType());
    m.put("status", c.getStatus());
    if (c.getObservedGeneration() != null) {
      m.put("observedGeneration", c.getObservedGeneration());
    }
    m.put("lastProbeTime", c.getLastProbeTime());
    m.put("lastTransitionTime", c.getLastTransitionTime());
    if (c.getReason() != null) {
      m.put("reason", c.getReason());
    }
    if (c.getMessage() != null) {
      m.put("message", c.getMessage());
    }
    return m;
  }
}
