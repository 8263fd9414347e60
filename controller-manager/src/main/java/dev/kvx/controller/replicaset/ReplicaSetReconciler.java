package dev.kvx.controller.replicaset;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.ActivePods;
import dev.kvx.controller.common.ControllerRefManager;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.PodControl;
import dev.kvx.controller.common.Pods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one ReplicaSet to its replica count (upstream's {@code syncReplicaSet}): claims its pods,
 * creates or deletes the difference unless earlier creates/deletes are still unobserved, and
 * writes the status.
 */
final class ReplicaSetReconciler implements Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetReconciler.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  /** Upstream's {@code BurstReplicas}: most pods created or deleted in one sync. */
  static final int BURST_REPLICAS = 500;

  private final KubernetesClient client;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final Expectations expectations;
  private final PodControl podControl;
  private final ControllerRefManager refs;
  private final Clock clock;

  ReplicaSetReconciler(
      KubernetesClient client,
      Lister<ReplicaSet> replicaSets,
      Lister<Pod> pods,
      Expectations expectations,
      PodControl podControl,
      Clock clock) {
    this.client = client;
    this.replicaSets = replicaSets;
    this.pods = pods;
    this.expectations = expectations;
    this.podControl = podControl;
    this.refs = new ControllerRefManager(client);
    this.clock = clock;
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Keys.NamespacedName nn = Keys.split(key);
    ReplicaSet rs = replicaSets.namespace(nn.namespace()).get(nn.name());
    if (rs == null) {
      expectations.delete(key);
      return Result.DONE;
    }
    boolean needsSync = expectations.satisfied(key);
    List<Pod> active = pods.namespace(nn.namespace()).list().stream().filter(Pods::isActive).toList();
    List<Pod> claimed =
        refs.claim(
            rs,
            p -> ReplicaSetStatuses.selects(rs, p.getMetadata().getLabels()),
            active,
            () -> canAdopt(rs));
    Exception manageError = null;
    if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
      try {
        manageReplicas(key, rs, claimed);
      } catch (Exception e) {
        manageError = e;
      }
    }
    ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, claimed, manageError, clock.now());
    ReplicaSet updated = updateStatus(rs, status);
    if (manageError != null) {
      throw manageError;
    }
    int minReady = ReplicaSetStatuses.minReadySeconds(rs);
    int replicas = ReplicaSetStatuses.replicas(rs);
    if (updated != null
        && minReady > 0
        && n(updated.getStatus().getReadyReplicas()) == replicas
        && n(updated.getStatus().getAvailableReplicas()) != replicas) {
      return Result.requeueAfter(Duration.ofSeconds(minReady)); // to see them become available
    }
    return Result.DONE;
  }

  private void manageReplicas(String key, ReplicaSet rs, List<Pod> claimed) throws Exception {
    int diff = claimed.size() - ReplicaSetStatuses.replicas(rs);
    if (diff < 0) {
      int count = Math.min(-diff, BURST_REPLICAS);
      LOG.debug("Too few replicas for {}: need {}, creating {}", key, ReplicaSetStatuses.replicas(rs), count);
      podControl.createPods(
          expectations, key, count, i -> PodControl.podFromTemplate(rs.getSpec().getTemplate(), rs, null), rs);
    } else if (diff > 0) {
      int count = Math.min(diff, BURST_REPLICAS);
      List<Pod> victims =
          claimed.stream().sorted(ActivePods.deletionOrder(claimed, claimed)).limit(count).toList();
      LOG.debug("Too many replicas for {}: deleting {}", key, count);
      podControl.deletePods(expectations, key, victims, rs);
    }
  }

  // A fresh read: adopt only for a ReplicaSet that still exists and is not being deleted.
  private boolean canAdopt(ReplicaSet rs) {
    ReplicaSet fresh =
        client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
            .withName(rs.getMetadata().getName()).get();
    return fresh != null
        && Objects.equals(fresh.getMetadata().getUid(), rs.getMetadata().getUid())
        && fresh.getMetadata().getDeletionTimestamp() == null;
  }

  /** Writes {@code status} unless unchanged; one retry on a conflict with a fresh read. */
  private ReplicaSet updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
    if (ReplicaSetStatuses.same(rs.getStatus(), status)) {
      return rs;
    }
    ReplicaSet copy = JSON.clone(rs);
    for (int attempt = 0; ; attempt++) {
      copy.setStatus(status);
      try {
        return client.apps().replicaSets().inNamespace(copy.getMetadata().getNamespace())
            .resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 0) {
          throw e;
        }
        copy =
            client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName()).get();
        if (copy == null) {
          return null;
        }
      }
    }
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
