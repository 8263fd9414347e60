package dev.kvx.controller.statefulset;

import dev.kvx.component.controller.Controller;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.PodControl;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.informers.cache.Lister;

/** The StatefulSet controller: stable, ordered pods; {@link StatefulSetReconciler} syncs. */
public final class StatefulSetController {
  public static final String NAME = "statefulset-controller";
  public static final String COMPONENT = "statefulset-controller";
  /** Upstream's --concurrent-statefulset-syncs default. */
  static final int WORKERS = 5;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "statefulset", ctx -> new StatefulSetController(ctx).controller);

  private final Controller controller;

  StatefulSetController(ControllerContext ctx) {
    var setInformer = ctx.informers().informerFor(StatefulSet.class);
    var podInformer = ctx.informers().informerFor(Pod.class);
    var revInformer = ctx.informers().informerFor(ControllerRevision.class);
    var recorder = ctx.recorder(COMPONENT);
    StatefulSetReconciler reconciler = new StatefulSetReconciler(ctx.client(), new Lister<>(setInformer.getIndexer()),
        new Lister<>(podInformer.getIndexer()), new Lister<>(revInformer.getIndexer()),
        new PodControl(ctx.client(), recorder), recorder, ctx.clock());
    this.controller = ctx.controller("statefulset", reconciler).workers(WORKERS).build();
    setInformer.addEventHandler(controller.enqueueHandler());
    podInformer.addEventHandler(controller.enqueueOwnerHandler("StatefulSet"));
    revInformer.addEventHandler(controller.enqueueOwnerHandler("StatefulSet"));
  }

  public Controller controller() {
    return controller;
  }
}
