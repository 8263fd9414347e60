package dev.kvx.controller.deployment;

import static dev.kvx.controller.deployment.DeploymentUtil.n;

import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Deployment's status and conditions (upstream's {@code calculateStatus} and the condition
 * helpers of {@code deployment/util}); pure. {@code kubectl rollout status} reads exactly these
 * fields: observedGeneration, replicas, updatedReplicas, availableReplicas and the Progressing
 * condition's reason.
 */
final class DeploymentStatuses {
  static final String AVAILABLE = "Available";
  static final String PROGRESSING = "Progressing";
  static final String REPLICA_FAILURE = "ReplicaFailure";

  static final String MIN_REPLICAS_AVAILABLE = "MinimumReplicasAvailable";
  static final String MIN_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable";
  static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
  static final String NEW_RS_CREATED = "NewReplicaSetCreated";
  static final String FOUND_NEW_RS = "FoundNewReplicaSet";
  static final String RS_UPDATED = "ReplicaSetUpdated";
  static final String TIMED_OUT = "ProgressDeadlineExceeded";
  static final String PAUSED = "DeploymentPaused";
  static final String RESUMED = "DeploymentResumed";
  static final String FAILED_RS_CREATE = "ReplicaSetCreateError";

  private DeploymentStatuses() {}

  /** The status from the ReplicaSets, keeping the current conditions, then Available set. */
  static DeploymentStatus calculate(List<ReplicaSet> allRSs, ReplicaSet newRS, Deployment d, Instant now) {
    int available = DeploymentUtil.availableReplicas(allRSs);
    int total = DeploymentUtil.totalReplicas(allRSs);
    int unavailable = Math.max(0, total - available);
    DeploymentStatus old = d.getStatus();
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(DeploymentUtil.actualReplicas(allRSs))
            .withUpdatedReplicas(newRS == null ? 0 : DeploymentUtil.actualReplicas(List.of(newRS)))
            .withReadyReplicas(DeploymentUtil.readyReplicas(allRSs))
            .withAvailableReplicas(available)
            .withUnavailableReplicas(unavailable)
            .withCollisionCount(old == null ? null : old.getCollisionCount())
            .withConditions(old == null || old.getConditions() == null ? new ArrayList<>() : new ArrayList<>(old.getConditions()))
            .build();
    if (available >= DeploymentUtil.replicas(d) - DeploymentUtil.maxUnavailable(d)) {
      set(status, condition(AVAILABLE, "True", MIN_REPLICAS_AVAILABLE, "Deployment has minimum availability.", now));
    } else {
      set(status, condition(AVAILABLE, "False", MIN_REPLICAS_UNAVAILABLE, "Deployment does not have minimum availability.", now));
    }
    return status;
  }

  static DeploymentCondition condition(String type, String status, String reason, String message, Instant now) {
    String ts = Times.format(now);
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastUpdateTime(ts)
        .withLastTransitionTime(ts)
        .build();
  }

  static DeploymentCondition get(DeploymentStatus status, String type) {
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  /**
   * {@code SetDeploymentCondition}: no change when status and reason are the same; the transition
   * time is kept when only the reason changes.
   */
  static void set(DeploymentStatus status, DeploymentCondition c) {
    DeploymentCondition current = get(status, c.getType());
    if (current != null
        && Objects.equals(current.getStatus(), c.getStatus())
        && Objects.equals(current.getReason(), c.getReason())) {
      return;
    }
    if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
      c.setLastTransitionTime(current.getLastTransitionTime());
    }
    remove(status, c.getType());
    if (status.getConditions() == null) {
      status.setConditions(new ArrayList<>());
    }
    status.getConditions().add(c);
  }

  static void remove(DeploymentStatus status, String type) {
    if (status.getConditions() != null) {
      status.getConditions().removeIf(c -> type.equals(c.getType()));
    }
  }

  /** All desired replicas updated and available, and the latest spec observed. */
  static boolean complete(Deployment d, DeploymentStatus s) {
    int r = DeploymentUtil.replicas(d);
    return n(s.getUpdatedReplicas()) == r
        && n(s.getReplicas()) == r
        && n(s.getAvailableReplicas()) == r
        && nl(s.getObservedGeneration()) >= nl(d.getMetadata().getGeneration());
  }

  /** Progress since the last status: more updated, fewer old, more ready or available. */
  static boolean progressing(Deployment d, DeploymentStatus s) {
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int oldOld = n(old.getReplicas()) - n(old.getUpdatedReplicas());
    int newOld = n(s.getReplicas()) - n(s.getUpdatedReplicas());
    return n(s.getUpdatedReplicas()) > n(old.getUpdatedReplicas())
        || newOld < oldOld
        || n(s.getReadyReplicas()) > n(old.getReadyReplicas())
        || n(s.getAvailableReplicas()) > n(old.getAvailableReplicas());
  }

  /** The Progressing condition was last updated more than progressDeadlineSeconds ago. */
  static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
    if (!DeploymentUtil.hasProgressDeadline(d)) {
      return false;
    }
    DeploymentCondition c = get(s, PROGRESSING);
    if (c == null || NEW_RS_AVAILABLE.equals(c.getReason())) {
      return false;
    }
    if (TIMED_OUT.equals(c.getReason())) {
      return true;
    }
    Instant from = Times.parse(c.getLastUpdateTime());
    return from != null && from.plusSeconds(DeploymentUtil.progressDeadlineSeconds(d)).isBefore(now);
  }

  static long nl(Long l) {
    return l == null ? 0 : l;
  }
}
