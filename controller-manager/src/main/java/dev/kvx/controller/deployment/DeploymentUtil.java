package dev.kvx.controller.deployment;

import dev.kvx.controller.common.IntOrPercent;
import dev.kvx.controller.common.TemplateHash;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Pure helpers of the Deployment controller, as upstream's {@code deployment/util}: revisions and
 * their annotations, the pod-template hash, replica arithmetic of rolling updates. No I/O.
 */
final class DeploymentUtil {
  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  static final String POD_TEMPLATE_HASH = "pod-template-hash";
  static final int REVISION_HISTORY_LIMIT_CHARS = 2000;

  /** Annotations of a Deployment that are not copied onto its ReplicaSets. */
  private static final Set<String> SKIP_COPY =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          REVISION,
          REVISION_HISTORY,
          DESIRED_REPLICAS,
          MAX_REPLICAS,
          "deprecated.deployment.rollback.to");

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private DeploymentUtil() {}

  // ---- defaults the API server applies upstream (kept here so a missing default never breaks) ----

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static int replicas(ReplicaSet rs) {
    return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
  }

  static boolean isRollingUpdate(Deployment d) {
    return d.getSpec().getStrategy() == null
        || d.getSpec().getStrategy().getType() == null
        || "RollingUpdate".equals(d.getSpec().getStrategy().getType());
  }

  static IntOrString maxSurgeValue(Deployment d) {
    var s = d.getSpec().getStrategy();
    return s == null || s.getRollingUpdate() == null || s.getRollingUpdate().getMaxSurge() == null
        ? new IntOrString("25%")
        : s.getRollingUpdate().getMaxSurge();
  }

  static IntOrString maxUnavailableValue(Deployment d) {
    var s = d.getSpec().getStrategy();
    return s == null || s.getRollingUpdate() == null || s.getRollingUpdate().getMaxUnavailable() == null
        ? new IntOrString("25%")
        : s.getRollingUpdate().getMaxUnavailable();
  }

  static int revisionHistoryLimit(Deployment d) {
    Integer l = d.getSpec().getRevisionHistoryLimit();
    return l == null ? 10 : l;
  }

  /** progressDeadlineSeconds, or -1 for none (unset defaults to 600 as the API server does). */
  static long progressDeadlineSeconds(Deployment d) {
    Integer p = d.getSpec().getProgressDeadlineSeconds();
    if (p == null) {
      return 600;
    }
    return p == Integer.MAX_VALUE ? -1 : p;
  }

  static boolean hasProgressDeadline(Deployment d) {
    return progressDeadlineSeconds(d) >= 0;
  }

  static int minReadySeconds(Deployment d) {
    return d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
  }

  static boolean paused(Deployment d) {
    return Boolean.TRUE.equals(d.getSpec().getPaused());
  }

  // ---- surge and unavailability ----

  /** {@code ResolveFenceposts}: surge rounds up, unavailable down; both 0 means unavailable 1. */
  static int[] resolveFenceposts(IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
    int surge = IntOrPercent.scaled(maxSurge, desired, true, 0);
    int unavailable = IntOrPercent.scaled(maxUnavailable, desired, false, 0);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1; // avoid a rollout that can never progress
    }
    return new int[] {surge, unavailable};
  }

  static int maxSurge(Deployment d) {
    if (!isRollingUpdate(d)) {
      return 0;
    }
    return resolveFenceposts(maxSurgeValue(d), maxUnavailableValue(d), replicas(d))[0];
  }

  static int maxUnavailable(Deployment d) {
    if (!isRollingUpdate(d) || replicas(d) == 0) {
      return 0;
    }
    int unavailable = resolveFenceposts(maxSurgeValue(d), maxUnavailableValue(d), replicas(d))[1];
    return Math.min(unavailable, replicas(d));
  }

  /** How many replicas the new ReplicaSet should have now ({@code NewRSNewReplicas}). */
  static int newRSNewReplicas(Deployment d, List<ReplicaSet> allRSs, ReplicaSet newRS) {
    if (!isRollingUpdate(d)) {
      return replicas(d);
    }
    int surge = maxSurge(d);
    int current = totalReplicas(allRSs);
    int maxTotal = replicas(d) + surge;
    if (current >= maxTotal) {
      return replicas(newRS);
    }
    int scaleUp = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
    return replicas(newRS) + scaleUp;
  }

  static int totalReplicas(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::replicas).sum();
  }

  static int actualReplicas(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(rs -> n(rs.getStatus() == null ? null : rs.getStatus().getReplicas())).sum();
  }

  static int readyReplicas(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(rs -> n(rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas())).sum();
  }

  static int availableReplicas(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::availableReplicas).sum();
  }

  static int availableReplicas(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null ? 0 : n(rs.getStatus().getAvailableReplicas());
  }

  static int n(Integer i) {
    return i == null ? 0 : i;
  }

  /** ReplicaSets with replicas > 0 ({@code FilterActiveReplicaSets}). */
  static List<ReplicaSet> active(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).filter(rs -> replicas(rs) > 0).toList();
  }

  // ---- revisions ----

  static long revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    if (a == null || a.get(REVISION) == null) {
      return 0;
    }
    try {
      return Long.parseLong(a.get(REVISION));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long maxRevision(List<ReplicaSet> rss) {
    return rss.stream().filter(Objects::nonNull).mapToLong(DeploymentUtil::revision).max().orElse(0);
  }

  /**
   * Updates {@code rs}'s annotations for revision {@code newRevision} ({@code
   * SetNewReplicaSetAnnotations}): copies the Deployment's annotations, raises the revision and,
   * when an older revision is raised (a rollback), keeps it in revision-history. Returns whether
   * anything changed.
   */
  static boolean setNewReplicaSetAnnotations(
      Deployment d, ReplicaSet rs, String newRevision, boolean exists) {
    Map<String, String> a = annotations(rs);
    boolean changed = false;
    Map<String, String> da = d.getMetadata().getAnnotations();
    if (da != null) {
      for (Map.Entry<String, String> e : da.entrySet()) {
        if (!SKIP_COPY.contains(e.getKey()) && !Objects.equals(a.get(e.getKey()), e.getValue())) {
          a.put(e.getKey(), e.getValue());
          changed = true;
        }
      }
    }
    String oldRevision = a.get(REVISION);
    long oldRev;
    try {
      oldRev = oldRevision == null || oldRevision.isEmpty() ? 0 : Long.parseLong(oldRevision);
    } catch (NumberFormatException e) {
      return false;
    }
    long newRev = Long.parseLong(newRevision);
    if (oldRev < newRev) {
      a.put(REVISION, newRevision);
      changed = true;
      if (oldRevision != null && !oldRevision.isEmpty()) {
        String history = a.get(REVISION_HISTORY);
        if (history == null || history.isEmpty()) {
          a.put(REVISION_HISTORY, oldRevision);
        } else {
          List<String> old = new ArrayList<>(Arrays.asList(history.split(",")));
          int total = history.length() + oldRevision.length() + 1;
          while (total > REVISION_HISTORY_LIMIT_CHARS && !old.isEmpty()) {
            total -= old.remove(0).length() + 1;
          }
          old.add(oldRevision);
          a.put(REVISION_HISTORY, String.join(",", old));
        }
      }
    }
    if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) {
      changed = true;
    }
    return changed;
  }

  /** Sets desired-replicas and max-replicas; returns whether they changed. */
  static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = annotations(rs);
    boolean changed = false;
    if (!String.valueOf(desired).equals(a.get(DESIRED_REPLICAS))) {
      a.put(DESIRED_REPLICAS, String.valueOf(desired));
      changed = true;
    }
    if (!String.valueOf(max).equals(a.get(MAX_REPLICAS))) {
      a.put(MAX_REPLICAS, String.valueOf(max));
      changed = true;
    }
    return changed;
  }

  static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    return a == null
        || !String.valueOf(desired).equals(a.get(DESIRED_REPLICAS))
        || !String.valueOf(max).equals(a.get(MAX_REPLICAS));
  }

  static Integer intAnnotation(ReplicaSet rs, String key) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    if (a == null || a.get(key) == null) {
      return null;
    }
    try {
      return Integer.parseInt(a.get(key));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Map<String, String> annotations(ReplicaSet rs) {
    if (rs.getMetadata().getAnnotations() == null) {
      rs.getMetadata().setAnnotations(new HashMap<>());
    }
    return rs.getMetadata().getAnnotations();
  }

  // ---- templates ----

  /** The pod-template-hash of {@code template} and {@code collisionCount} (see {@link TemplateHash}). */
  static String computeHash(PodTemplateSpec template, Integer collisionCount) {
    return TemplateHash.compute(template, collisionCount);
  }

  /** Templates equal apart from the pod-template-hash label ({@code EqualIgnoreHash}). */
  static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
    return withoutHash(a).equals(withoutHash(b));
  }

  private static JsonNode withoutHash(PodTemplateSpec t) {
    PodTemplateSpec c = JSON.clone(t);
    if (c.getMetadata() != null && c.getMetadata().getLabels() != null) {
      c.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
      if (c.getMetadata().getLabels().isEmpty()) {
        c.getMetadata().setLabels(null);
      }
    }
    return JSON.convertValue(c, JsonNode.class);
  }

  /** The oldest ReplicaSet whose template equals the Deployment's ({@code FindNewReplicaSet}). */
  static ReplicaSet findNewReplicaSet(Deployment d, List<ReplicaSet> rss) {
    return rss.stream()
        .sorted(byCreation())
        .filter(rs -> equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
        .findFirst()
        .orElse(null);
  }

  /** Oldest first, then by name ({@code ReplicaSetsByCreationTimestamp}). */
  static Comparator<ReplicaSet> byCreation() {
    return Comparator.comparing(
            (ReplicaSet rs) -> created(rs))
        .thenComparing(rs -> rs.getMetadata().getName());
  }

  /** Lowest revision first ({@code ReplicaSetsByRevision}). */
  static Comparator<ReplicaSet> byRevision() {
    return Comparator.comparingLong(DeploymentUtil::revision).thenComparing(byCreation());
  }

  static Instant created(ReplicaSet rs) {
    String ts = rs.getMetadata().getCreationTimestamp();
    return ts == null ? Instant.EPOCH : Instant.parse(ts);
  }
}
