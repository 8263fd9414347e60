package dev.kvx.controller.garbagecollector;

import dev.kvx.component.controller.Controller;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.ResourceCatalog;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector: deletes objects whose owners are gone (Background), deletes an owner's
 * dependents before the owner when it carries the {@code foregroundDeletion} finalizer
 * (Foreground), and removes the owner reference from dependents of an owner that carries the
 * {@code orphan} finalizer (Orphan).
 *
 * <p>It watches every deletable resource type found through discovery with generic informers
 * (one per type, started at the start of the term; types added later, e.g. new CRDs, are picked
 * up at the next term), keeps a {@link DependencyGraph}, and queues {@code delete/<uid>} (is this
 * object garbage? is its foreground deletion done?) and {@code orphan/<uid>} keys.
 */
public final class GarbageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
  public static final String NAME = "garbage-collector-controller";
  public static final String FOREGROUND_FINALIZER = "foregroundDeletion";
  public static final String ORPHAN_FINALIZER = "orphan";
  static final String DELETE = "delete/";
  static final String ORPHAN = "orphan/";
  /** Upstream's --concurrent-gc-syncs default is 20; kvx's machines are smaller. */
  static final int WORKERS = 5;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "garbagecollector", ctx -> new GarbageCollector(ctx).controller);

  private final DependencyGraph graph = new DependencyGraph();
  private final Controller controller;

  GarbageCollector(ControllerContext ctx) {
    ResourceCatalog catalog = ResourceCatalog.discover(ctx.client());
    List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    for (ResourceDefinitionContext type : catalog.except(ResourceCatalog.GC_IGNORED)) {
      SharedIndexInformer<GenericKubernetesResource> informer =
          (type.isNamespaceScoped()
                  ? ctx.client().genericKubernetesResources(type).inAnyNamespace()
                  : ctx.client().genericKubernetesResources(type))
              .runnableInformer(0);
      informer.addEventHandler(new GraphHandler());
      informers.add(informer);
    }
    GarbageCollectorReconciler reconciler =
        new GarbageCollectorReconciler(ctx.client(), catalog, graph, ctx.recorder(NAME));
    Controller.Builder builder = ctx.controller("garbage_collector_attempt_to_delete", reconciler).workers(WORKERS);
    builder.waitForSync(() -> informers.stream().allMatch(SharedIndexInformer::hasSynced));
    this.controller = builder.build();
    reconciler.setQueue(controller::enqueueKey);
    for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
      ctx.onStop(informer::stop);
      informer.start();
    }
    LOG.info("garbage collector watches {} resource types", informers.size());
  }

  public Controller controller() {
    return controller;
  }

  // Graph changes and the work they imply (upstream's processGraphChanges).
  private final class GraphHandler implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource obj) {
      changed(obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
      changed(obj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean unknown) {
      DependencyGraph.Node gone = graph.remove(obj.getMetadata().getUid());
      if (gone == null) {
        gone = DependencyGraph.nodeOf(obj);
      }
      // Dependents may now be dangling; an owner in foreground deletion may now be unblocked.
      for (DependencyGraph.Node dep : graph.dependents(gone.uid())) {
        controller.enqueueKey(DELETE + dep.uid());
      }
      for (OwnerReference owner : gone.owners()) {
        DependencyGraph.Node o = graph.get(owner.getUid());
        if (o != null && o.deletingDependents()) {
          controller.enqueueKey(DELETE + o.uid());
        }
      }
    }

    private void changed(GenericKubernetesResource obj) {
      DependencyGraph.Node node = DependencyGraph.nodeOf(obj);
      DependencyGraph.Node old = graph.put(node);
      if (!node.owners().isEmpty() && (old == null || !old.owners().equals(node.owners()) || old.beingDeleted() != node.beingDeleted())) {
        controller.enqueueKey(DELETE + node.uid()); // are its owners still there?
      }
      if (node.deletingDependents()) {
        controller.enqueueKey(DELETE + node.uid());
        for (DependencyGraph.Node dep : graph.dependents(node.uid())) {
          controller.enqueueKey(DELETE + dep.uid());
        }
      }
      if (node.orphaning()) {
        controller.enqueueKey(ORPHAN + node.uid());
      }
    }
  }
}
