package dev.kvx.controller.namespace;

import dev.kvx.component.controller.Controller;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.ResourceCatalog;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.time.Duration;
import java.time.Instant;

/**
 * The namespace controller: queues namespaces being deleted; {@link NamespaceReconciler} empties
 * and finalizes them. Discovery is cached for 30 s, so CRDs added meanwhile are seen soon after.
 */
public final class NamespaceController {
  public static final String NAME = "namespace-controller";
  /** Upstream's --concurrent-namespace-syncs default. */
  static final int WORKERS = 10;
  static final Duration DISCOVERY_TTL = Duration.ofSeconds(30);

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "namespace", ctx -> new NamespaceController(ctx).controller);

  private final Controller controller;
  private ResourceCatalog catalog;
  private Instant catalogAt;

  NamespaceController(ControllerContext ctx) {
    SharedIndexInformer<Namespace> informer = ctx.informers().informerFor(Namespace.class);
    NamespaceReconciler reconciler =
        new NamespaceReconciler(
            ctx.client(),
            new Lister<>(informer.getIndexer()),
            () -> catalog(ctx),
            ctx.clock());
    this.controller = ctx.controller("namespace", reconciler).workers(WORKERS).build();
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Namespace ns) {
            enqueueIfDeleting(ns);
          }

          @Override
          public void onUpdate(Namespace old, Namespace ns) {
            enqueueIfDeleting(ns);
          }

          @Override
          public void onDelete(Namespace ns, boolean unknown) {}
        });
  }

  public Controller controller() {
    return controller;
  }

  private void enqueueIfDeleting(Namespace ns) {
    if (ns.getMetadata().getDeletionTimestamp() != null) {
      controller.enqueue(ns);
    }
  }

  private synchronized ResourceCatalog catalog(ControllerContext ctx) {
    Instant now = Instant.now();
    if (catalog == null || catalogAt.plus(DISCOVERY_TTL).isBefore(now)) {
      catalog = ResourceCatalog.discover(ctx.client());
      catalogAt = now;
    }
    return catalog;
  }
}
