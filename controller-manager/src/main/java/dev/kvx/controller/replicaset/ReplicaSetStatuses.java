package dev.kvx.controller.replicaset;

import dev.kvx.controller.common.LabelSelectors;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The status a ReplicaSet should report (upstream's {@code calculateStatus}); pure. */
final class ReplicaSetStatuses {
  static final String REPLICA_FAILURE = "ReplicaFailure";

  private ReplicaSetStatuses() {}

  /**
   * The status of {@code rs} given its active, claimed {@code pods} and the error of this sync's
   * create/delete step (null if none), at {@code now}.
   */
  static ReplicaSetStatus calculate(ReplicaSet rs, List<Pod> pods, Exception manageError, Instant now) {
    Map<String, String> templateLabels =
        rs.getSpec().getTemplate().getMetadata() == null
            ? Map.of()
            : rs.getSpec().getTemplate().getMetadata().getLabels();
    int minReady = minReadySeconds(rs);
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod p : pods) {
      Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
      if (templateLabels == null || labels.entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (Pods.isReady(p)) {
        ready++;
        if (Pods.isAvailable(p, minReady, now)) {
          available++;
        }
      }
    }
    ReplicaSetStatus old = rs.getStatus();
    List<ReplicaSetCondition> conditions = new ArrayList<>();
    if (old != null && old.getConditions() != null) {
      conditions.addAll(old.getConditions());
    }
    ReplicaSetCondition failure =
        conditions.stream().filter(c -> REPLICA_FAILURE.equals(c.getType())).findFirst().orElse(null);
    if (manageError != null && failure == null) {
      String reason =
          pods.size() < replicas(rs) ? "FailedCreate" : "FailedDelete";
      conditions.add(
          new ReplicaSetConditionBuilder()
              .withType(REPLICA_FAILURE)
              .withStatus("True")
              .withReason(reason)
              .withMessage(manageError.getMessage())
              .withLastTransitionTime(Times.format(now))
              .build());
    } else if (manageError == null && failure != null) {
      conditions.remove(failure);
    }
    return new ReplicaSetStatusBuilder()
        .withReplicas(pods.size())
        .withFullyLabeledReplicas(fullyLabeled)
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .withObservedGeneration(rs.getMetadata().getGeneration())
        .withConditions(conditions.isEmpty() ? null : conditions)
        .build();
  }

  static int replicas(ReplicaSet rs) {
    Integer r = rs.getSpec().getReplicas();
    return r == null ? 1 : r;
  }

  static int minReadySeconds(ReplicaSet rs) {
    Integer m = rs.getSpec().getMinReadySeconds();
    return m == null ? 0 : m;
  }

  /** Whether a pod with {@code labels} belongs to {@code rs} by selector. */
  static boolean selects(ReplicaSet rs, Map<String, String> labels) {
    return LabelSelectors.matches(rs.getSpec().getSelector(), labels);
  }

  /** Whether two statuses are equal for the fields the controller writes. */
  static boolean same(ReplicaSetStatus a, ReplicaSetStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return eq(a.getReplicas(), b.getReplicas())
        && eq(a.getFullyLabeledReplicas(), b.getFullyLabeledReplicas())
        && eq(a.getReadyReplicas(), b.getReadyReplicas())
        && eq(a.getAvailableReplicas(), b.getAvailableReplicas())
        && java.util.Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
        && java.util.Objects.equals(emptyToNull(a.getConditions()), emptyToNull(b.getConditions()));
  }

  private static boolean eq(Integer a, Integer b) {
    return (a == null ? 0 : a) == (b == null ? 0 : b);
  }

  private static <T> List<T> emptyToNull(List<T> l) {
    return l == null || l.isEmpty() ? null : l;
  }
}
