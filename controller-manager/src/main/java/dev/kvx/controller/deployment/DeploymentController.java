package dev.kvx.controller.deployment;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Owners;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.LabelSelectors;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.Objects;
import java.util.Optional;

/**
 * The Deployment controller: rolls out each Deployment's template through ReplicaSets. Handlers
 * queue the Deployment owning a changed ReplicaSet (or, for orphans, every Deployment selecting
 * it), and the Deployment of a deleted pod when it uses Recreate; {@link DeploymentReconciler}
 * syncs.
 */
public final class DeploymentController {
  public static final String NAME = "deployment-controller";
  public static final String COMPONENT = "deployment-controller";
  static final String KIND = "Deployment";
  /** Upstream's --concurrent-deployment-syncs default. */
  static final int WORKERS = 5;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "deployment", ctx -> new DeploymentController(ctx).controller);

  private final Controller controller;
  private final Lister<Deployment> deployments;

  DeploymentController(ControllerContext ctx) {
    SharedIndexInformer<Deployment> dInformer = ctx.informers().informerFor(Deployment.class);
    SharedIndexInformer<ReplicaSet> rsInformer = ctx.informers().informerFor(ReplicaSet.class);
    SharedIndexInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    this.deployments = new Lister<>(dInformer.getIndexer());
    Controller[] self = new Controller[1];
    DeploymentReconciler reconciler =
        new DeploymentReconciler(
            ctx.client(),
            deployments,
            new Lister<>(rsInformer.getIndexer()),
            new Lister<>(podInformer.getIndexer()),
            ctx.recorder(COMPONENT),
            ctx.clock(),
            (key, delay) -> self[0].enqueueAfter(key, delay));
    this.controller = ctx.controller("deployment", reconciler).workers(WORKERS).build();
    self[0] = controller;
    dInformer.addEventHandler(controller.enqueueHandler());
    rsInformer.addEventHandler(new ReplicaSetHandler());
    podInformer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {}

          @Override
          public void onUpdate(Pod old, Pod pod) {}

          // Recreate waits for the old pods to be gone: a deletion may unblock it.
          @Override
          public void onDelete(Pod pod, boolean unknown) {
            Optional<OwnerReference> rsRef = Owners.controllerOf(pod).filter(r -> "ReplicaSet".equals(r.getKind()));
            if (rsRef.isEmpty()) {
              return;
            }
            ReplicaSet rs = new Lister<>(rsInformer.getIndexer()).namespace(pod.getMetadata().getNamespace()).get(rsRef.get().getName());
            if (rs == null) {
              return;
            }
            owner(rs).filter(d -> !DeploymentUtil.isRollingUpdate(d)).ifPresent(controller::enqueue);
          }
        });
  }

  public Controller controller() {
    return controller;
  }

  private Optional<Deployment> owner(ReplicaSet rs) {
    OwnerReference ref = Owners.controllerOf(rs).orElse(null);
    if (ref == null || !KIND.equals(ref.getKind())) {
      return Optional.empty();
    }
    Deployment d = deployments.namespace(rs.getMetadata().getNamespace()).get(ref.getName());
    return d != null && Objects.equals(d.getMetadata().getUid(), ref.getUid()) ? Optional.of(d) : Optional.empty();
  }

  private void enqueueSelecting(ReplicaSet rs) {
    for (Deployment d : deployments.namespace(rs.getMetadata().getNamespace()).list()) {
      if (!LabelSelectors.isEmpty(d.getSpec().getSelector())
          && LabelSelectors.matches(d.getSpec().getSelector(), rs.getMetadata().getLabels())) {
        controller.enqueue(d);
      }
    }
  }

  private final class ReplicaSetHandler implements ResourceEventHandler<ReplicaSet> {
    @Override
    public void onAdd(ReplicaSet rs) {
      if (Owners.controllerOf(rs).isPresent()) {
        owner(rs).ifPresent(controller::enqueue);
      } else {
        enqueueSelecting(rs);
      }
    }

    @Override
    public void onUpdate(ReplicaSet old, ReplicaSet rs) {
      if (Objects.equals(old.getMetadata().getResourceVersion(), rs.getMetadata().getResourceVersion())) {
        return;
      }
      OwnerReference oldRef = Owners.controllerOf(old).orElse(null);
      OwnerReference ref = Owners.controllerOf(rs).orElse(null);
      if (!Objects.equals(oldRef, ref) && oldRef != null) {
        owner(old).ifPresent(controller::enqueue);
      }
      if (ref != null) {
        owner(rs).ifPresent(controller::enqueue);
        return;
      }
      if (!Objects.equals(old.getMetadata().getLabels(), rs.getMetadata().getLabels()) || !Objects.equals(oldRef, ref)) {
        enqueueSelecting(rs);
      }
    }

    @Override
    public void onDelete(ReplicaSet rs, boolean unknown) {
      owner(rs).ifPresent(controller::enqueue);
    }
  }
}
