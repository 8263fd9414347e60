package dev.kvx.controller.deployment;

import static dev.kvx.controller.deployment.DeploymentUtil.replicas;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Owners;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sync of one Deployment, following upstream's {@code sync.go}, {@code rolling.go}, {@code
 * recreate.go} and {@code progress.go}. It owns copies of the Deployment and its ReplicaSets and
 * keeps them current as it writes, so later steps of the same sync see its own writes.
 */
final class DeploymentSync {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;
  private final String key;
  private final DeploymentReconciler.Requeuer requeuer;
  private Deployment d;

  DeploymentSync(
      KubernetesClient client,
      Deployment d,
      EventRecorder events,
      Clock clock,
      String key,
      DeploymentReconciler.Requeuer requeuer) {
    this.client = client;
    this.d = d;
    this.events = events;
    this.clock = clock;
    this.key = key;
    this.requeuer = requeuer;
  }

  void run(List<ReplicaSet> rsList, List<Pod> pods) {
    if (d.getMetadata().getDeletionTimestamp() != null) {
      syncStatusOnly(rsList);
      return;
    }
    checkPausedConditions();
    if (DeploymentUtil.paused(d)) {
      sync(rsList);
      return;
    }
    if (isScalingEvent(rsList)) {
      sync(rsList);
      return;
    }
    if (DeploymentUtil.isRollingUpdate(d)) {
      rolloutRolling(rsList);
    } else {
      rolloutRecreate(rsList, pods);
    }
  }

  /** A Deployment with an empty selector only gets its generation observed. */
  void observeGenerationOnly() {
    long observed = d.getStatus() == null ? 0 : DeploymentStatuses.nl(d.getStatus().getObservedGeneration());
    if (observed < DeploymentStatuses.nl(d.getMetadata().getGeneration())) {
      DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : JSON.clone(d.getStatus());
      s.setObservedGeneration(d.getMetadata().getGeneration());
      updateStatus(s);
    }
  }

  // ---- ReplicaSets of this Deployment ----

  private record Split(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    List<ReplicaSet> all() {
      List<ReplicaSet> all = new ArrayList<>(oldRSs);
      if (newRS != null) {
        all.add(newRS);
      }
      return all;
    }
  }

  /** {@code getAllReplicaSetsAndSyncRevision}: the new RS (created if asked) and the old ones. */
  private Split replicaSetsAndSyncRevision(List<ReplicaSet> rsList, boolean createIfNotExisted) {
    ReplicaSet existingNew = DeploymentUtil.findNewReplicaSet(d, rsList);
    List<ReplicaSet> oldRSs = new ArrayList<>(rsList);
    if (existingNew != null) {
      oldRSs.remove(existingNew);
    }
    ReplicaSet newRS = newReplicaSet(existingNew, oldRSs, rsList, createIfNotExisted);
    return new Split(newRS, oldRSs);
  }

  private ReplicaSet newReplicaSet(
      ReplicaSet existing, List<ReplicaSet> oldRSs, List<ReplicaSet> rsList, boolean create) {
    String newRevision = String.valueOf(DeploymentUtil.maxRevision(oldRSs) + 1);
    if (existing != null) {
      ReplicaSet copy = JSON.clone(existing);
      boolean annotationsUpdated = DeploymentUtil.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      boolean minReadyNeedsUpdate =
          n(copy.getSpec().getMinReadySeconds()) != DeploymentUtil.minReadySeconds(d);
      if (annotationsUpdated || minReadyNeedsUpdate) {
        copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
        copy = updateReplicaSet(copy);
        replaceIn(rsList, copy);
      } else {
        copy = existing;
      }
      boolean needsUpdate = setDeploymentRevision(copy.getMetadata().getAnnotations().get(DeploymentUtil.REVISION));
      if (needsUpdate) {
        patchRevisionAnnotation();
      }
      if (DeploymentUtil.hasProgressDeadline(d)
          && DeploymentStatuses.get(d.getStatus(), DeploymentStatuses.PROGRESSING) == null) {
        DeploymentStatus s = status();
        DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
            DeploymentStatuses.FOUND_NEW_RS, "Found new replica set \"" + copy.getMetadata().getName() + "\"", clock.now()));
        updateStatus(s);
      }
      return copy;
    }
    if (!create) {
      return null;
    }
    Integer collisionCount = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
    PodTemplateSpec template = JSON.clone(d.getSpec().getTemplate());
    String hash = DeploymentUtil.computeHash(template, collisionCount);
    if (template.getMetadata().getLabels() == null) {
      template.getMetadata().setLabels(new LinkedHashMap<>());
    }
    template.getMetadata().getLabels().put(DeploymentUtil.POD_TEMPLATE_HASH, hash);
    LabelSelector selector = JSON.clone(d.getSpec().getSelector());
    Map<String, String> matchLabels = selector.getMatchLabels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(selector.getMatchLabels());
    matchLabels.put(DeploymentUtil.POD_TEMPLATE_HASH, hash);
    selector.setMatchLabels(matchLabels);
    Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
    ReplicaSet newRS =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(Owners.controllerRef(d))
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withMinReadySeconds(d.getSpec().getMinReadySeconds())
            .withSelector(selector)
            .withTemplate(template)
            .endSpec()
            .build();
    List<ReplicaSet> all = new ArrayList<>(oldRSs);
    all.add(newRS);
    int newReplicas = DeploymentUtil.newRSNewReplicas(d, all, newRS);
    newRS.getSpec().setReplicas(newReplicas);
    DeploymentUtil.setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    ReplicaSet created;
    try {
      created = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(newRS).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        if (DeploymentUtil.hasProgressDeadline(d)) {
          DeploymentStatus s = status();
          DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "False",
              DeploymentStatuses.FAILED_RS_CREATE, e.getMessage(), clock.now()));
          updateStatus(s);
        }
        events.eventf(d, EventRecorder.WARNING, DeploymentStatuses.FAILED_RS_CREATE, "Failed to create new replica set %q: %s", newRS.getMetadata().getName(), e.getMessage());
        throw e;
      }
      // Already exists: ours if it has our template and controller ref; else a hash collision.
      ReplicaSet found = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
          .withName(newRS.getMetadata().getName()).get();
      if (found != null
          && Owners.isControlledBy(found, d)
          && DeploymentUtil.equalIgnoreHash(found.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        return found;
      }
      DeploymentStatus s = status();
      s.setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
      updateStatus(s);
      throw new IllegalStateException("hash collision for ReplicaSet " + newRS.getMetadata().getName() + "; collisionCount raised");
    }
    if (newReplicas > 0) {
      events.eventf(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", created.getMetadata().getName(), newReplicas);
    }
    rsList.add(created);
    if (setDeploymentRevision(newRevision)) {
      patchRevisionAnnotation();
    }
    if (DeploymentUtil.hasProgressDeadline(d)) {
      DeploymentStatus s = status();
      DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
          DeploymentStatuses.NEW_RS_CREATED, "Created new replica set \"" + created.getMetadata().getName() + "\"", clock.now()));
      updateStatus(s);
    }
    return created;
  }

  // ---- rolling update (rolling.go) ----

  private void rolloutRolling(List<ReplicaSet> rsList) {
    Split split = replicaSetsAndSyncRevision(rsList, true);
    List<ReplicaSet> all = split.all();
    if (reconcileNewReplicaSet(all, split.newRS())) {
      syncRolloutStatus(split.all(), split.newRS());
      return;
    }
    if (reconcileOldReplicaSets(split.all(), DeploymentUtil.active(split.oldRSs()), split.newRS())) {
      syncRolloutStatus(split.all(), split.newRS());
      return;
    }
    if (DeploymentStatuses.complete(d, d.getStatus() == null ? new DeploymentStatus() : d.getStatus())) {
      cleanupDeployment(split.oldRSs());
    }
    syncRolloutStatus(split.all(), split.newRS());
  }

  private boolean reconcileNewReplicaSet(List<ReplicaSet> all, ReplicaSet newRS) {
    int want = replicas(d);
    if (replicas(newRS) == want) {
      return false;
    }
    if (replicas(newRS) > want) {
      return scaleAndRecordEvent(newRS, want);
    }
    return scaleAndRecordEvent(newRS, DeploymentUtil.newRSNewReplicas(d, all, newRS));
  }

  private boolean reconcileOldReplicaSets(List<ReplicaSet> all, List<ReplicaSet> oldRSs, ReplicaSet newRS) {
    if (DeploymentUtil.totalReplicas(oldRSs) == 0) {
      return false;
    }
    int allPods = DeploymentUtil.totalReplicas(all);
    int minAvailable = replicas(d) - DeploymentUtil.maxUnavailable(d);
    int newUnavailable = replicas(newRS) - DeploymentUtil.availableReplicas(newRS);
    int maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return false;
    }
    int cleaned = cleanupUnhealthyReplicas(oldRSs, maxScaledDown);
    int scaledDown = scaleDownOldReplicaSetsForRollingUpdate(all, oldRSs);
    return cleaned + scaledDown > 0;
  }

  // Old replicas that are not available go first: scaling them down costs no availability.
  private int cleanupUnhealthyReplicas(List<ReplicaSet> oldRSs, int maxCleanup) {
    int total = 0;
    for (ReplicaSet rs : sorted(oldRSs, DeploymentUtil.byCreation())) {
      if (total >= maxCleanup) {
        break;
      }
      if (replicas(rs) == 0) {
        continue;
      }
      int unhealthy = replicas(rs) - DeploymentUtil.availableReplicas(rs);
      if (unhealthy <= 0) {
        continue;
      }
      int count = Math.min(maxCleanup - total, unhealthy);
      scaleAndRecordEvent(rs, replicas(rs) - count);
      total += count;
    }
    return total;
  }

  private int scaleDownOldReplicaSetsForRollingUpdate(List<ReplicaSet> all, List<ReplicaSet> oldRSs) {
    int minAvailable = replicas(d) - DeploymentUtil.maxUnavailable(d);
    int available = DeploymentUtil.availableReplicas(all);
    if (available <= minAvailable) {
      return 0;
    }
    int totalToScaleDown = available - minAvailable;
    int total = 0;
    for (ReplicaSet rs : sorted(oldRSs, DeploymentUtil.byCreation())) {
      if (total >= totalToScaleDown) {
        break;
      }
      if (replicas(rs) == 0) {
        continue;
      }
      int count = Math.min(replicas(rs), totalToScaleDown - total);
      scaleAndRecordEvent(rs, replicas(rs) - count);
      total += count;
    }
    return total;
  }

  // ---- recreate (recreate.go) ----

  private void rolloutRecreate(List<ReplicaSet> rsList, List<Pod> pods) {
    Split split = replicaSetsAndSyncRevision(rsList, false);
    boolean scaledDown = false;
    for (ReplicaSet rs : DeploymentUtil.active(split.oldRSs())) {
      scaledDown |= scaleAndRecordEvent(rs, 0);
    }
    if (scaledDown) {
      syncRolloutStatus(split.all(), split.newRS());
      return;
    }
    if (oldPodsRunning(split, pods)) {
      syncRolloutStatus(split.all(), split.newRS());
      return;
    }
    if (split.newRS() == null) {
      split = replicaSetsAndSyncRevision(rsList, true);
    }
    scaleAndRecordEvent(split.newRS(), replicas(d));
    if (DeploymentStatuses.complete(d, d.getStatus() == null ? new DeploymentStatus() : d.getStatus())) {
      cleanupDeployment(split.oldRSs());
    }
    syncRolloutStatus(split.all(), split.newRS());
  }

  private static boolean oldPodsRunning(Split split, List<Pod> pods) {
    if (DeploymentUtil.actualReplicas(split.oldRSs()) > 0) {
      return true;
    }
    String newUid = split.newRS() == null ? null : split.newRS().getMetadata().getUid();
    for (Pod p : pods) {
      String owner = Owners.controllerOf(p).map(OwnerReference::getUid).orElse(null);
      if (Objects.equals(owner, newUid)) {
        continue;
      }
      if (!Pods.isTerminated(p)) {
        return true; // Pending, Running or Unknown: the old pod may still be running
      }
    }
    return false;
  }

  // ---- scaling (sync.go) ----

  /** Scale and clean up without rolling out (paused, or a replica count change). */
  private void sync(List<ReplicaSet> rsList) {
    Split split = replicaSetsAndSyncRevision(rsList, false);
    scale(split.newRS(), split.oldRSs());
    if (DeploymentUtil.paused(d)) {
      cleanupDeployment(split.oldRSs());
    }
    syncDeploymentStatus(split.all(), split.newRS());
  }

  private boolean isScalingEvent(List<ReplicaSet> rsList) {
    Split split = replicaSetsAndSyncRevision(rsList, false);
    for (ReplicaSet rs : DeploymentUtil.active(split.all())) {
      Integer desired = DeploymentUtil.intAnnotation(rs, DeploymentUtil.DESIRED_REPLICAS);
      if (desired != null && desired != replicas(d)) {
        return true;
      }
    }
    return false;
  }

  /** Proportional scaling across the active ReplicaSets (upstream's {@code scale}). */
  private void scale(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    ReplicaSet activeOrLatest = findActiveOrLatest(newRS, oldRSs);
    if (activeOrLatest != null) {
      if (replicas(activeOrLatest) != replicas(d)) {
        scaleAndRecordEvent(activeOrLatest, replicas(d));
      }
      return;
    }
    if (isSaturated(newRS)) {
      for (ReplicaSet old : DeploymentUtil.active(oldRSs)) {
        scaleAndRecordEvent(old, 0);
      }
      return;
    }
    if (!DeploymentUtil.isRollingUpdate(d)) {
      return;
    }
    List<ReplicaSet> all = new ArrayList<>(oldRSs);
    if (newRS != null) {
      all.add(newRS);
    }
    List<ReplicaSet> active = new ArrayList<>(DeploymentUtil.active(all));
    int allReplicas = DeploymentUtil.totalReplicas(active);
    int allowedSize = replicas(d) > 0 ? replicas(d) + DeploymentUtil.maxSurge(d) : 0;
    int toAdd = allowedSize - allReplicas;
    if (toAdd == 0) {
      return;
    }
    // Up: largest (then newest) first; down: largest (then oldest) first.
    Comparator<ReplicaSet> bySize = Comparator.comparingInt((ReplicaSet rs) -> -replicas(rs));
    active.sort(toAdd > 0
        ? bySize.thenComparing(DeploymentUtil.byCreation().reversed())
        : bySize.thenComparing(DeploymentUtil.byCreation()));
    Map<String, Integer> nameToSize = new HashMap<>();
    int added = 0;
    for (ReplicaSet rs : active) {
      int proportion = proportion(rs, toAdd, added);
      nameToSize.put(rs.getMetadata().getName(), replicas(rs) + proportion);
      added += proportion;
    }
    for (int i = 0; i < active.size(); i++) {
      ReplicaSet rs = active.get(i);
      int size = nameToSize.get(rs.getMetadata().getName());
      if (i == 0 && toAdd != added) {
        size = Math.max(0, size + toAdd - added); // the leftover goes to the largest
      }
      scaleReplicaSet(rs, size, toAdd > 0 ? "up" : "down");
    }
  }

  private int proportion(ReplicaSet rs, int toAdd, int added) {
    if (replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
      return 0;
    }
    int fraction = fraction(rs);
    int allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  private int fraction(ReplicaSet rs) {
    if (replicas(d) == 0) {
      return -replicas(rs);
    }
    int deploymentReplicas = replicas(d) + DeploymentUtil.maxSurge(d);
    Integer annotated = DeploymentUtil.intAnnotation(rs, DeploymentUtil.MAX_REPLICAS);
    int base = annotated != null ? annotated : (d.getStatus() == null ? 0 : n(d.getStatus().getReplicas()));
    if (base == 0) {
      return 0;
    }
    double newSize = (double) replicas(rs) * deploymentReplicas / base;
    return (int) Math.round(newSize) - replicas(rs);
  }

  private static ReplicaSet findActiveOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
    if (newRS == null && oldRSs.isEmpty()) {
      return null;
    }
    List<ReplicaSet> all = new ArrayList<>(oldRSs);
    if (newRS != null) {
      all.add(newRS);
    }
    List<ReplicaSet> active = DeploymentUtil.active(all);
    if (active.size() == 1) {
      return active.get(0);
    }
    if (active.isEmpty()) {
      if (newRS != null) {
        return newRS;
      }
      return sorted(oldRSs, DeploymentUtil.byCreation().reversed()).get(0);
    }
    return null;
  }

  private boolean isSaturated(ReplicaSet rs) {
    if (rs == null) {
      return false;
    }
    Integer desired = DeploymentUtil.intAnnotation(rs, DeploymentUtil.DESIRED_REPLICAS);
    return replicas(rs) == replicas(d)
        && desired != null
        && desired == replicas(d)
        && DeploymentUtil.availableReplicas(rs) == replicas(d);
  }

  private boolean scaleAndRecordEvent(ReplicaSet rs, int newScale) {
    if (replicas(rs) == newScale) {
      return false;
    }
    return scaleReplicaSet(rs, newScale, replicas(rs) < newScale ? "up" : "down");
  }

  private boolean scaleReplicaSet(ReplicaSet rs, int newScale, String operation) {
    boolean sizeNeedsUpdate = replicas(rs) != newScale;
    int max = replicas(d) + DeploymentUtil.maxSurge(d);
    boolean annotationsNeedUpdate = DeploymentUtil.replicasAnnotationsNeedUpdate(rs, replicas(d), max);
    if (!sizeNeedsUpdate && !annotationsNeedUpdate) {
      return false;
    }
    int oldScale = replicas(rs);
    ReplicaSet copy = JSON.clone(rs);
    copy.getSpec().setReplicas(newScale);
    DeploymentUtil.setReplicasAnnotations(copy, replicas(d), max);
    ReplicaSet updated = updateReplicaSet(copy);
    rs.setMetadata(updated.getMetadata());
    rs.setSpec(updated.getSpec());
    if (sizeNeedsUpdate) {
      events.eventf(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled %s replica set %s from %d to %d",
          operation, rs.getMetadata().getName(), oldScale, newScale);
    }
    return sizeNeedsUpdate;
  }

  // ---- history cleanup ----

  /** Deletes the oldest unused ReplicaSets beyond revisionHistoryLimit. */
  private void cleanupDeployment(List<ReplicaSet> oldRSs) {
    List<ReplicaSet> cleanable =
        oldRSs.stream().filter(rs -> rs.getMetadata().getDeletionTimestamp() == null).toList();
    int diff = cleanable.size() - DeploymentUtil.revisionHistoryLimit(d);
    if (diff <= 0) {
      return;
    }
    List<ReplicaSet> byRevision = sorted(cleanable, DeploymentUtil.byRevision());
    for (int i = 0; i < diff; i++) {
      ReplicaSet rs = byRevision.get(i);
      boolean inUse =
          (rs.getStatus() != null && n(rs.getStatus().getReplicas()) != 0)
              || replicas(rs) != 0
              || DeploymentStatuses.nl(rs.getMetadata().getGeneration())
                  > (rs.getStatus() == null ? 0 : DeploymentStatuses.nl(rs.getStatus().getObservedGeneration()));
      if (inUse) {
        continue;
      }
      try {
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName()).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  // ---- status (progress.go, sync.go) ----

  private void syncStatusOnly(List<ReplicaSet> rsList) {
    Split split = replicaSetsAndSyncRevision(rsList, false);
    syncDeploymentStatus(split.all(), split.newRS());
  }

  private void syncDeploymentStatus(List<ReplicaSet> all, ReplicaSet newRS) {
    DeploymentStatus s = DeploymentStatuses.calculate(all, newRS, d, clock.now());
    if (!s.equals(d.getStatus())) {
      updateStatus(s);
    }
  }

  private void syncRolloutStatus(List<ReplicaSet> all, ReplicaSet newRS) {
    Instant now = clock.now();
    DeploymentStatus s = DeploymentStatuses.calculate(all, newRS, d, now);
    if (!DeploymentUtil.hasProgressDeadline(d)) {
      DeploymentStatuses.remove(s, DeploymentStatuses.PROGRESSING);
    }
    DeploymentCondition current = DeploymentStatuses.get(d.getStatus(), DeploymentStatuses.PROGRESSING);
    boolean completeAlready =
        n(s.getReplicas()) == n(s.getUpdatedReplicas())
            && current != null
            && DeploymentStatuses.NEW_RS_AVAILABLE.equals(current.getReason());
    if (DeploymentUtil.hasProgressDeadline(d) && !completeAlready) {
      String subject = newRS != null
          ? "ReplicaSet \"" + newRS.getMetadata().getName() + "\""
          : "Deployment \"" + d.getMetadata().getName() + "\"";
      if (DeploymentStatuses.complete(d, s)) {
        DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
            DeploymentStatuses.NEW_RS_AVAILABLE, subject + " has successfully progressed.", now));
      } else if (DeploymentStatuses.progressing(d, s)) {
        DeploymentCondition c = DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "True",
            DeploymentStatuses.RS_UPDATED, subject + " is progressing.", now);
        if (current != null && "True".equals(current.getStatus())) {
          c.setLastTransitionTime(current.getLastTransitionTime());
        }
        DeploymentStatuses.remove(s, DeploymentStatuses.PROGRESSING);
        DeploymentStatuses.set(s, c);
      } else if (DeploymentStatuses.timedOut(d, s, now)) {
        DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "False",
            DeploymentStatuses.TIMED_OUT, subject + " has timed out progressing.", now));
      }
    }
    ReplicaSet failing = all.stream()
        .filter(rs -> rs.getStatus() != null && rs.getStatus().getConditions() != null
            && rs.getStatus().getConditions().stream().anyMatch(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())))
        .findFirst().orElse(null);
    if (failing != null) {
      var rc = failing.getStatus().getConditions().stream().filter(c -> "ReplicaFailure".equals(c.getType())).findFirst().orElseThrow();
      DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.REPLICA_FAILURE, rc.getStatus(), rc.getReason(), rc.getMessage(), now));
    } else {
      DeploymentStatuses.remove(s, DeploymentStatuses.REPLICA_FAILURE);
    }
    if (s.equals(d.getStatus())) {
      requeueStuckDeployment(s, now);
      return;
    }
    updateStatus(s);
  }

  // Check the progress deadline again when it would pass.
  private void requeueStuckDeployment(DeploymentStatus s, Instant now) {
    DeploymentCondition c = DeploymentStatuses.get(s, DeploymentStatuses.PROGRESSING);
    if (!DeploymentUtil.hasProgressDeadline(d) || c == null) {
      return;
    }
    if (DeploymentStatuses.complete(d, s) || DeploymentStatuses.TIMED_OUT.equals(c.getReason())) {
      return;
    }
    Instant from = dev.kvx.controller.common.Times.parse(c.getLastUpdateTime());
    if (from == null) {
      return;
    }
    Duration after = Duration.between(now, from.plusSeconds(DeploymentUtil.progressDeadlineSeconds(d)));
    requeuer.requeueAfter(key, after.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : after.plusSeconds(1));
  }

  private void checkPausedConditions() {
    if (!DeploymentUtil.hasProgressDeadline(d)) {
      return;
    }
    DeploymentCondition c = DeploymentStatuses.get(d.getStatus(), DeploymentStatuses.PROGRESSING);
    if (c != null && DeploymentStatuses.TIMED_OUT.equals(c.getReason())) {
      return;
    }
    boolean pausedCondition = c != null && DeploymentStatuses.PAUSED.equals(c.getReason());
    DeploymentStatus s = status();
    if (DeploymentUtil.paused(d) && !pausedCondition) {
      DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
          DeploymentStatuses.PAUSED, "Deployment is paused", clock.now()));
    } else if (!DeploymentUtil.paused(d) && pausedCondition) {
      DeploymentStatuses.set(s, DeploymentStatuses.condition(DeploymentStatuses.PROGRESSING, "Unknown",
          DeploymentStatuses.RESUMED, "Deployment is resumed", clock.now()));
    } else {
      return;
    }
    updateStatus(s);
  }

  // ---- writes ----

  private DeploymentStatus status() {
    return d.getStatus() == null ? new DeploymentStatus() : JSON.clone(d.getStatus());
  }

  private boolean setDeploymentRevision(String revision) {
    Map<String, String> a = d.getMetadata().getAnnotations();
    if (a != null && Objects.equals(a.get(DeploymentUtil.REVISION), revision)) {
      return false;
    }
    if (a == null) {
      d.getMetadata().setAnnotations(new HashMap<>());
    }
    d.getMetadata().getAnnotations().put(DeploymentUtil.REVISION, revision);
    return true;
  }

  // The revision annotation is metadata: it goes through the main resource, guarded by the
  // resourceVersion this sync read (the status subresource would drop it).
  private void patchRevisionAnnotation() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", d.getMetadata().getResourceVersion());
    meta.put("annotations", Map.of(DeploymentUtil.REVISION, d.getMetadata().getAnnotations().get(DeploymentUtil.REVISION)));
    Deployment patched = client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
        .withName(d.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(Map.of("metadata", meta)));
    DeploymentStatus keep = d.getStatus();
    d = patched;
    d.setStatus(keep);
  }

  private void updateStatus(DeploymentStatus s) {
    Deployment copy = JSON.clone(d);
    copy.setStatus(s);
    Deployment updated = client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(copy).updateStatus();
    d = updated;
  }

  private ReplicaSet updateReplicaSet(ReplicaSet rs) {
    return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).update();
  }

  private static void replaceIn(List<ReplicaSet> list, ReplicaSet updated) {
    for (int i = 0; i < list.size(); i++) {
      if (Objects.equals(list.get(i).getMetadata().getUid(), updated.getMetadata().getUid())) {
        list.set(i, updated);
      }
    }
  }

  private static List<ReplicaSet> sorted(List<ReplicaSet> l, Comparator<ReplicaSet> c) {
    List<ReplicaSet> copy = new ArrayList<>(l);
    copy.sort(c);
    return copy;
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
