package dev.kvx.controller.deployment;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.ControllerRefManager;
import dev.kvx.controller.common.LabelSelectors;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Syncs one Deployment (upstream's {@code syncDeployment}): claims its ReplicaSets, then either
 * only updates the status (being deleted), scales (paused or a scaling event), or rolls out with
 * its strategy. Each sync works on copies of the cached objects; see {@link DeploymentSync}.
 */
final class DeploymentReconciler implements Reconciler {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Lister<Deployment> deployments;
  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Pod> pods;
  private final EventRecorder events;
  private final Clock clock;
  private final ControllerRefManager refs;
  private final Requeuer requeuer;

  /** How a sync asks for a later look at a Deployment (progress deadline checks). */
  interface Requeuer {
    void requeueAfter(String key, java.time.Duration delay);
  }

  DeploymentReconciler(
      KubernetesClient client,
      Lister<Deployment> deployments,
      Lister<ReplicaSet> replicaSets,
      Lister<Pod> pods,
      EventRecorder events,
      Clock clock,
      Requeuer requeuer) {
    this.client = client;
    this.deployments = deployments;
    this.replicaSets = replicaSets;
    this.pods = pods;
    this.events = events;
    this.clock = clock;
    this.refs = new ControllerRefManager(client);
    this.requeuer = requeuer;
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Keys.NamespacedName nn = Keys.split(key);
    Deployment cached = deployments.namespace(nn.namespace()).get(nn.name());
    if (cached == null) {
      return Result.DONE;
    }
    Deployment d = JSON.clone(cached);
    DeploymentSync sync = new DeploymentSync(client, d, events, clock, key, requeuer);
    if (LabelSelectors.isEmpty(d.getSpec().getSelector())) {
      events.event(d, EventRecorder.WARNING, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      sync.observeGenerationOnly();
      return Result.DONE;
    }
    List<ReplicaSet> claimed =
        refs.claim(
                d,
                rs -> LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels()),
                replicaSets.namespace(nn.namespace()).list(),
                () -> canAdopt(d))
            .stream()
            .map(JSON::clone)
            .collect(Collectors.toList());
    Set<String> uids = claimed.stream().map(rs -> rs.getMetadata().getUid()).collect(Collectors.toSet());
    List<Pod> ownedPods =
        pods.namespace(nn.namespace()).list().stream()
            .filter(p -> Owners.controllerOf(p).map(r -> uids.contains(r.getUid())).orElse(false))
            .toList();
    sync.run(claimed, ownedPods);
    return Result.DONE;
  }

  private boolean canAdopt(Deployment d) {
    Deployment fresh =
        client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
            .withName(d.getMetadata().getName()).get();
    return fresh != null
        && Objects.equals(fresh.getMetadata().getUid(), d.getMetadata().getUid())
        && fresh.getMetadata().getDeletionTimestamp() == null;
  }
}
