package dev.kvx.controller.statefulset;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.PodControl;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.TemplateHash;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Syncs one StatefulSet (upstream's {@code defaultStatefulSetControl}): records the template as a
 * ControllerRevision, creates pods (and their claims) by ordinal — one at a time and only after
 * the lower ordinals are Running and Ready under OrderedReady, all at once under Parallel —,
 * removes condemned ordinals from the highest down, replaces pods at or above the partition that
 * run an old revision one at a time (RollingUpdate), and writes the status.
 */
final class StatefulSetReconciler implements Reconciler {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Lister<StatefulSet> sets;
  private final Lister<Pod> pods;
  private final Lister<ControllerRevision> revisions;
  private final PodControl podControl;
  private final Clock clock;

  StatefulSetReconciler(KubernetesClient client, Lister<StatefulSet> sets, Lister<Pod> pods,
      Lister<ControllerRevision> revisions, PodControl podControl, EventRecorder events, Clock clock) {
    this.client = client;
    this.sets = sets;
    this.pods = pods;
    this.revisions = revisions;
    this.podControl = podControl;
    this.clock = clock;
  }

  @Override
  public Result reconcile(String key) {
    Keys.NamespacedName nn = Keys.split(key);
    StatefulSet cached = sets.namespace(nn.namespace()).get(nn.name());
    if (cached == null) {
      return Result.DONE;
    }
    StatefulSet set = JSON.clone(cached);
    String ns = nn.namespace();
    String updateHash = TemplateHash.compute(set.getSpec().getTemplate(), set.getStatus() == null ? null : set.getStatus().getCollisionCount());
    String updateRevision = set.getMetadata().getName() + "-" + updateHash;
    List<ControllerRevision> owned = revisions.namespace(ns).list().stream().filter(r -> Owners.isControlledBy(r, set)).toList();
    ensureRevision(set, owned, updateRevision, updateHash);
    String currentRevision = set.getStatus() == null || set.getStatus().getCurrentRevision() == null
        ? updateRevision : set.getStatus().getCurrentRevision();

    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    boolean monotonic = !"Parallel".equals(set.getSpec().getPodManagementPolicy());
    Pod[] byOrdinal = new Pod[replicas];
    List<Pod> condemned = new ArrayList<>();
    List<Pod> mine = pods.namespace(ns).list().stream().filter(p -> Owners.isControlledBy(p, set)).toList();
    for (Pod p : mine) {
      int i = StatefulPods.ordinal(set, p);
      if (i >= 0 && i < replicas) {
        byOrdinal[i] = p;
      } else {
        condemned.add(p);
      }
    }
    if (!DeletionTimestampSet.of(set)) {
      sync(set, byOrdinal, condemned, monotonic, currentRevision, updateRevision, owned);
    }
    updateStatus(set, mine, replicas, currentRevision, updateRevision);
    return Result.DONE;
  }

  private void sync(StatefulSet set, Pod[] byOrdinal, List<Pod> condemned, boolean monotonic,
      String currentRevision, String updateRevision, List<ControllerRevision> owned) {
    int partition = partition(set);
    for (int i = 0; i < byOrdinal.length; i++) {
      Pod p = byOrdinal[i];
      if (p != null && Pods.isTerminated(p) && p.getMetadata().getDeletionTimestamp() == null) {
        delete(set, p); // a failed or completed pod is replaced
        byOrdinal[i] = null;
        if (monotonic) {
          return;
        }
        continue;
      }
      if (p == null) {
        String revision = i < partition && !onDelete(set) ? currentRevision : updateRevision;
        PodTemplateSpec template = templateOf(set, revision, owned);
        String hash = revision.substring(set.getMetadata().getName().length() + 1);
        createClaims(set, i);
        try {
          podControl.create(StatefulPods.pod(set, template, hash, i), set);
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
        if (monotonic) {
          return; // OrderedReady: one at a time
        }
        continue;
      }
      if (monotonic && (p.getMetadata().getDeletionTimestamp() != null || !runningAndReady(p))) {
        return; // wait for this ordinal before going on
      }
    }
    condemned.sort(Comparator.comparingInt((Pod p) -> StatefulPods.ordinal(set, p)).reversed());
    for (Pod p : condemned) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        if (monotonic) {
          return;
        }
        continue;
      }
      delete(set, p);
      if (monotonic) {
        return; // scale down one at a time, highest ordinal first
      }
    }
    if (onDelete(set)) {
      return;
    }
    for (int i = byOrdinal.length - 1; i >= partition; i--) {
      Pod p = byOrdinal[i];
      if (p == null) {
        return;
      }
      if (!updateRevision.equals(revisionOf(p)) && p.getMetadata().getDeletionTimestamp() == null) {
        delete(set, p); // recreated at the update revision on the next sync
        return;
      }
      if (!runningAndReady(p)) {
        return; // the replaced pod must be ready before the next goes
      }
    }
  }

  private void ensureRevision(StatefulSet set, List<ControllerRevision> owned, String name, String hash) {
    long max = owned.stream().mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision()).max().orElse(0);
    ControllerRevision existing = owned.stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst().orElse(null);
    if (existing != null) {
      if (existing.getRevision() != null && existing.getRevision() < max) {
        // Back to an earlier template (a rollback): it becomes the newest revision.
        ControllerRevision copy = JSON.clone(existing);
        copy.setRevision(max + 1);
        client.apps().controllerRevisions().inNamespace(set.getMetadata().getNamespace()).resource(copy).update();
      }
      return;
    }
    Map<String, String> labels = new HashMap<>(set.getSpec().getSelector() == null || set.getSpec().getSelector().getMatchLabels() == null
        ? Map.of() : set.getSpec().getSelector().getMatchLabels());
    labels.put(StatefulPods.REVISION_HASH, hash);
    ControllerRevision revision = new ControllerRevisionBuilder()
        .withNewMetadata().withNamespace(set.getMetadata().getNamespace()).withName(name).withLabels(labels)
        .withOwnerReferences(Owners.controllerRef(set)).endMetadata()
        .withData(Map.of("spec", Map.of("template", JSON.convertValue(set.getSpec().getTemplate(), Map.class))))
        .withRevision(max + 1)
        .build();
    try {
      client.apps().controllerRevisions().inNamespace(set.getMetadata().getNamespace()).resource(revision).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private PodTemplateSpec templateOf(StatefulSet set, String revision, List<ControllerRevision> owned) {
    for (ControllerRevision r : owned) {
      if (revision.equals(r.getMetadata().getName()) && r.getData() instanceof Map<?, ?> data) {
        Object spec = data.get("spec");
        if (spec instanceof Map<?, ?> s && s.get("template") != null) {
          return JSON.convertValue(s.get("template"), PodTemplateSpec.class);
        }
      }
    }
    return set.getSpec().getTemplate();
  }

  private void createClaims(StatefulSet set, int ordinal) {
    for (PersistentVolumeClaim c : StatefulPods.claims(set, ordinal)) {
      if (client.persistentVolumeClaims().inNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName()).get() != null) {
        continue;
      }
      try {
        client.persistentVolumeClaims().inNamespace(c.getMetadata().getNamespace()).resource(c).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  private void delete(StatefulSet set, Pod p) {
    podControl.delete(p.getMetadata().getNamespace(), p.getMetadata().getName(), set);
  }

  private void updateStatus(StatefulSet set, List<Pod> mine, int replicas, String currentRevision, String updateRevision) {
    int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
    Instant now = clock.now();
    List<Pod> live = mine.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null && !Pods.isTerminated(p)).toList();
    int ready = (int) live.stream().filter(Pods::isReady).count();
    int available = (int) live.stream().filter(p -> Pods.isAvailable(p, minReady, now)).count();
    int updated = (int) live.stream().filter(p -> updateRevision.equals(revisionOf(p))).count();
    int current = (int) live.stream().filter(p -> currentRevision.equals(revisionOf(p))).count();
    String newCurrent = currentRevision;
    if (updated == replicas && ready == replicas && live.size() == replicas) {
      newCurrent = updateRevision; // the rollout is complete
      current = updated;
    }
    StatefulSetStatus status = new StatefulSetStatusBuilder()
        .withObservedGeneration(set.getMetadata().getGeneration())
        .withReplicas(live.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(available)
        .withCurrentReplicas(current)
        .withUpdatedReplicas(updated)
        .withCurrentRevision(newCurrent)
        .withUpdateRevision(updateRevision)
        .withCollisionCount(set.getStatus() == null ? null : set.getStatus().getCollisionCount())
        .withConditions(set.getStatus() == null ? null : set.getStatus().getConditions())
        .build();
    if (Objects.equals(status, set.getStatus())) {
      return;
    }
    set.setStatus(status);
    try {
      client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).resource(set).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  static String revisionOf(Pod p) {
    return p.getMetadata().getLabels() == null ? null
        : p.getMetadata().getName().replaceAll("-\\d+$", "") + "-" + p.getMetadata().getLabels().get(StatefulPods.REVISION_HASH);
  }

  private static boolean runningAndReady(Pod p) {
    return "Running".equals(Pods.phase(p)) && Pods.isReady(p);
  }

  private static boolean onDelete(StatefulSet set) {
    return set.getSpec().getUpdateStrategy() != null && "OnDelete".equals(set.getSpec().getUpdateStrategy().getType());
  }

  private static int partition(StatefulSet set) {
    var s = set.getSpec().getUpdateStrategy();
    if (s == null || s.getRollingUpdate() == null || s.getRollingUpdate().getPartition() == null) {
      return 0;
    }
    return s.getRollingUpdate().getPartition();
  }

  /** Whether the set is being deleted: it then only reports status. */
  private static final class DeletionTimestampSet {
    static boolean of(StatefulSet s) {
      return s.getMetadata().getDeletionTimestamp() != null;
    }
  }
}
