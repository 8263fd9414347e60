package dev.kvx.controller.daemonset;

import dev.kvx.component.controller.Controller;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.OwnedPodHandler;
import dev.kvx.controller.common.PodControl;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.Objects;

/**
 * The DaemonSet controller: one pod per eligible node. Node changes queue every DaemonSet (a new
 * node, new labels or taints may change where they run); {@link DaemonSetReconciler} syncs.
 */
public final class DaemonSetController {
  public static final String NAME = "daemonset-controller";
  public static final String COMPONENT = "daemonset-controller";
  /** Upstream's --concurrent-daemonset-syncs default. */
  static final int WORKERS = 2;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "daemonset", ctx -> new DaemonSetController(ctx).controller);

  private final Controller controller;

  DaemonSetController(ControllerContext ctx) {
    var dsInformer = ctx.informers().informerFor(DaemonSet.class);
    var podInformer = ctx.informers().informerFor(Pod.class);
    var nodeInformer = ctx.informers().informerFor(Node.class);
    Lister<DaemonSet> daemonSets = new Lister<>(dsInformer.getIndexer());
    Expectations expectations = new Expectations(ctx.clock());
    DaemonSetReconciler reconciler = new DaemonSetReconciler(ctx.client(), daemonSets, new Lister<>(podInformer.getIndexer()),
        new Lister<>(nodeInformer.getIndexer()), expectations, new PodControl(ctx.client(), ctx.recorder(COMPONENT)), ctx.clock());
    this.controller = ctx.controller("daemonset", reconciler).workers(WORKERS).build();
    dsInformer.addEventHandler(controller.enqueueHandler());
    podInformer.addEventHandler(new OwnedPodHandler("DaemonSet", (ns, ref) -> {
      DaemonSet ds = daemonSets.namespace(ns).get(ref.getName());
      return ds != null && Objects.equals(ds.getMetadata().getUid(), ref.getUid());
    }, expectations, controller));
    nodeInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Node n) {
        daemonSets.list().forEach(controller::enqueue);
      }

      @Override
      public void onUpdate(Node old, Node n) {
        if (!Objects.equals(old.getMetadata().getLabels(), n.getMetadata().getLabels())
            || !Objects.equals(old.getSpec(), n.getSpec())) {
          daemonSets.list().forEach(controller::enqueue);
        }
      }

      @Override
      public void onDelete(Node n, boolean unknown) {
        daemonSets.list().forEach(controller::enqueue);
      }
    });
  }

  public Controller controller() {
    return controller;
  }
}
