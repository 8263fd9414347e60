package dev.kvx.controller.endpoint;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.ServiceEnqueuer;
import dev.kvx.controller.common.ServicePods;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The legacy endpoints controller: keeps an Endpoints object named after each Service with a
 * selector, listing the selected pods' IPs (ready and not ready) and resolved target ports. A
 * Service without a selector is left alone (its Endpoints are the user's).
 */
public final class EndpointsController implements Reconciler {
  public static final String NAME = "endpoints-controller";
  static final String LAST_CHANGE = "endpoints.kubernetes.io/last-change-trigger-time";
  static final int WORKERS = 5;
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "endpoint", ctx -> new EndpointsController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<Endpoints> endpoints;
  private final dev.kvx.component.clock.Clock clock;
  private final Controller controller;

  EndpointsController(ControllerContext ctx) {
    this.client = ctx.client();
    this.clock = ctx.clock();
    var svcInformer = ctx.informers().informerFor(Service.class);
    var podInformer = ctx.informers().informerFor(Pod.class);
    var epInformer = ctx.informers().informerFor(Endpoints.class);
    this.services = new Lister<>(svcInformer.getIndexer());
    this.pods = new Lister<>(podInformer.getIndexer());
    this.endpoints = new Lister<>(epInformer.getIndexer());
    this.controller = ctx.controller("endpoint", this).workers(WORKERS).build();
    svcInformer.addEventHandler(controller.enqueueHandler());
    podInformer.addEventHandler(new ServiceEnqueuer(services, controller));
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public Result reconcile(String key) {
    Keys.NamespacedName nn = Keys.split(key);
    Service svc = services.namespace(nn.namespace()).get(nn.name());
    if (svc == null) {
      // The Service is gone: so are its Endpoints (unless someone else's, without a selector, remain).
      try {
        client.endpoints().inNamespace(nn.namespace()).withName(nn.name()).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
      return Result.DONE;
    }
    if (!ServicePods.hasSelector(svc)) {
      return Result.DONE;
    }
    List<EndpointSubset> subsets = EndpointSubsets.subsets(svc, ServicePods.selected(svc, pods));
    Endpoints current = endpoints.namespace(nn.namespace()).get(nn.name());
    Map<String, String> labels = svc.getMetadata().getLabels() == null ? new HashMap<>() : new HashMap<>(svc.getMetadata().getLabels());
    if (current != null
        && Objects.equals(emptyToNull(current.getSubsets()), emptyToNull(subsets))
        && Objects.equals(current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels(), labels)) {
      return Result.DONE;
    }
    Endpoints desired = current == null
        ? new EndpointsBuilder().withNewMetadata().withNamespace(nn.namespace()).withName(nn.name()).endMetadata().build()
        : JSON.clone(current);
    desired.getMetadata().setLabels(labels);
    Map<String, String> annotations = desired.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(desired.getMetadata().getAnnotations());
    annotations.put(LAST_CHANGE, Times.format(clock.now()));
    desired.getMetadata().setAnnotations(annotations);
    desired.setSubsets(subsets);
    if (current == null) {
      try {
        client.endpoints().inNamespace(nn.namespace()).resource(desired).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          throw new IllegalStateException("Endpoints " + key + " appeared meanwhile; retrying", e);
        }
        if (e.getCode() != 403) { // 403: the namespace is terminating
          throw e;
        }
      }
    } else {
      client.endpoints().inNamespace(nn.namespace()).resource(desired).update();
    }
    return Result.DONE;
  }

  private static <T> List<T> emptyToNull(List<T> l) {
    return l == null || l.isEmpty() ? null : l;
  }
}
