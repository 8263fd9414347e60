package dev.kvx.controller.serviceaccount;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;

/**
 * The service account controller: every active namespace has a {@code default} ServiceAccount
 * (upstream's {@code ServiceAccountsController} with its default {@code ServiceAccounts} list).
 * Keys are namespace names.
 */
public final class ServiceAccountController implements Reconciler {
  public static final String NAME = "serviceaccount-controller";
  static final String DEFAULT = "default";

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "serviceaccount", ctx -> new ServiceAccountController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<Namespace> namespaces;
  private final Lister<ServiceAccount> serviceAccounts;
  private final Controller controller;

  ServiceAccountController(ControllerContext ctx) {
    this.client = ctx.client();
    SharedIndexInformer<Namespace> nsInformer = ctx.informers().informerFor(Namespace.class);
    SharedIndexInformer<ServiceAccount> saInformer = ctx.informers().informerFor(ServiceAccount.class);
    this.namespaces = new Lister<>(nsInformer.getIndexer());
    this.serviceAccounts = new Lister<>(saInformer.getIndexer());
    this.controller = ctx.controller("serviceaccount", this).build();
    nsInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Namespace ns) {
        controller.enqueueKey(ns.getMetadata().getName());
      }

      @Override
      public void onUpdate(Namespace old, Namespace ns) {
        controller.enqueueKey(ns.getMetadata().getName());
      }

      @Override
      public void onDelete(Namespace ns, boolean unknown) {}
    });
    saInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ServiceAccount sa) {}

      @Override
      public void onUpdate(ServiceAccount old, ServiceAccount sa) {}

      // Someone deleted the default ServiceAccount: put it back.
      @Override
      public void onDelete(ServiceAccount sa, boolean unknown) {
        if (DEFAULT.equals(sa.getMetadata().getName())) {
          controller.enqueueKey(sa.getMetadata().getNamespace());
        }
      }
    });
  }

  @Override
  public Result reconcile(String namespace) {
    Namespace ns = namespaces.get(namespace);
    if (ns == null
        || ns.getMetadata().getDeletionTimestamp() != null
        || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
      return Result.DONE;
    }
    if (serviceAccounts.namespace(namespace).get(DEFAULT) != null) {
      return Result.DONE;
    }
    try {
      client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
          .withNewMetadata().withNamespace(namespace).withName(DEFAULT).endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      // 409: it exists already (the cache lagged); 403: the namespace began terminating.
      if (e.getCode() != 409 && e.getCode() != 403) {
        throw e;
      }
    }
    return Result.DONE;
  }

  public Controller controller() {
    return controller;
  }
}
