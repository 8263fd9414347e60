package dev.kvx.controller.common;

import dev.kvx.component.controller.Controller;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.Objects;

/** Pod handler of the endpoints controllers: queue every Service selecting the pod (old or new). */
public final class ServiceEnqueuer implements ResourceEventHandler<Pod> {
  private final Lister<Service> services;
  private final Controller controller;

  public ServiceEnqueuer(Lister<Service> services, Controller controller) {
    this.services = services;
    this.controller = controller;
  }

  @Override
  public void onAdd(Pod pod) {
    ServicePods.forEachSelecting(pod, services, controller::enqueue);
  }

  @Override
  public void onUpdate(Pod old, Pod pod) {
    if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
      return;
    }
    ServicePods.forEachSelecting(pod, services, controller::enqueue);
    if (!Objects.equals(old.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
      ServicePods.forEachSelecting(old, services, controller::enqueue);
    }
  }

  @Override
  public void onDelete(Pod pod, boolean unknown) {
    ServicePods.forEachSelecting(pod, services, controller::enqueue);
  }
}
