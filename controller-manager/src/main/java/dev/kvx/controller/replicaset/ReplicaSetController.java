package dev.kvx.controller.replicaset;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.LabelSelectors;
import dev.kvx.controller.common.PodControl;
import dev.kvx.controller.common.Pods;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The ReplicaSet controller: keeps {@code spec.replicas} pods matching each ReplicaSet. Handlers
 * feed the expectations and queue the owning ReplicaSet; {@link ReplicaSetReconciler} syncs.
 */
public final class ReplicaSetController {
  public static final String NAME = "replicaset-controller";
  public static final String COMPONENT = "replicaset-controller";
  static final String KIND = "ReplicaSet";
  /** Upstream's --concurrent-replicaset-syncs default. */
  static final int WORKERS = 5;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "replicaset", ctx -> new ReplicaSetController(ctx).controller);

  private final Controller controller;
  private final Lister<ReplicaSet> replicaSets;
  private final Expectations expectations;

  ReplicaSetController(ControllerContext ctx) {
    SharedIndexInformer<ReplicaSet> rsInformer = ctx.informers().informerFor(ReplicaSet.class);
    SharedIndexInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.replicaSets = new Lister<>(rsInformer.getIndexer());
    this.expectations = new Expectations(ctx.clock());
    ReplicaSetReconciler reconciler =
        new ReplicaSetReconciler(
            ctx.client(),
            replicaSets,
            new Lister<>(podInformer.getIndexer()),
            expectations,
            new PodControl(ctx.client(), ctx.recorder(COMPONENT)),
            ctx.clock());
    this.controller = ctx.controller("replicaset", reconciler).workers(WORKERS).build();
    rsInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ReplicaSet rs) {
            controller.enqueue(rs);
          }

          @Override
          public void onUpdate(ReplicaSet oldRs, ReplicaSet rs) {
            controller.enqueue(rs);
          }

          @Override
          public void onDelete(ReplicaSet rs, boolean unknown) {
            expectations.delete(Keys.of(rs));
            controller.enqueue(rs);
          }
        });
    podInformer.addEventHandler(new PodHandler());
  }

  /** The runner, for the manager to start. */
  public Controller controller() {
    return controller;
  }

  private Optional<ReplicaSet> owner(Pod pod, OwnerReference ref) {
    if (ref == null || !KIND.equals(ref.getKind())) {
      return Optional.empty();
    }
    ReplicaSet rs = replicaSets.namespace(pod.getMetadata().getNamespace()).get(ref.getName());
    return rs != null && Objects.equals(rs.getMetadata().getUid(), ref.getUid())
        ? Optional.of(rs)
        : Optional.empty();
  }

  // An orphan may be adopted by any ReplicaSet whose (non-empty) selector matches it.
  private void enqueueMatching(Pod pod) {
    for (ReplicaSet rs : replicaSets.namespace(pod.getMetadata().getNamespace()).list()) {
      if (!LabelSelectors.isEmpty(rs.getSpec().getSelector())
          && ReplicaSetStatuses.selects(rs, pod.getMetadata().getLabels())) {
        controller.enqueue(rs);
      }
    }
  }

  private final class PodHandler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        onDelete(pod, false); // a pod seen already terminating counts as deleted
        return;
      }
      OwnerReference ref = Owners.controllerOf(pod).orElse(null);
      if (ref != null) {
        owner(pod, ref)
            .ifPresent(
                rs -> {
                  expectations.creationObserved(Keys.of(rs));
                  controller.enqueue(rs);
                });
        return;
      }
      enqueueMatching(pod);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
        return; // resync: the ReplicaSets resync themselves
      }
      boolean labelsChanged = !Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels());
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        onDelete(pod, false);
        if (labelsChanged) {
          onDelete(old, false);
        }
        return;
      }
      OwnerReference oldRef = Owners.controllerOf(old).orElse(null);
      OwnerReference ref = Owners.controllerOf(pod).orElse(null);
      boolean refChanged = !Objects.equals(oldRef, ref);
      if (refChanged && oldRef != null) {
        owner(old, oldRef).ifPresent(controller::enqueue);
      }
      if (ref != null) {
        owner(pod, ref)
            .ifPresent(
                rs -> {
                  controller.enqueue(rs);
                  // A pod that just became ready turns available only after minReadySeconds.
                  Integer minReady = rs.getSpec().getMinReadySeconds();
                  if (minReady != null && minReady > 0 && !Pods.isReady(old) && Pods.isReady(pod)) {
                    controller.enqueueAfter(Keys.of(rs), Duration.ofSeconds(minReady));
                  }
                });
        return;
      }
      if (labelsChanged || refChanged) {
        enqueueMatching(pod);
      }
    }

    @Override
    public void onDelete(Pod pod, boolean unknown) {
      OwnerReference ref = Owners.controllerOf(pod).orElse(null);
      owner(pod, ref)
          .ifPresent(
              rs -> {
                expectations.deletionObserved(Keys.of(rs), Keys.of(pod));
                controller.enqueue(rs);
              });
    }
  }
}
