package dev.kvx.controller.common;

import dev.kvx.component.controller.Owners;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.List;

/**
 * Creates and deletes a controller's pods and records the events upstream's {@code
 * RealPodControl} records (SuccessfulCreate, FailedCreate, SuccessfulDelete, FailedDelete).
 * Blocking: call from a worker.
 */
public class PodControl {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final EventRecorder events;

  public PodControl(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /**
   * The pod {@code owner} creates from {@code template} (upstream's {@code GetPodFromTemplate}):
   * the template's labels, annotations, finalizers and spec, a controller reference to {@code
   * owner}, named by {@code generateName} ({@code <owner>-} unless given).
   */
  public static Pod podFromTemplate(PodTemplateSpec template, HasMetadata owner, String generateName) {
    PodTemplateSpec t = JSON.clone(template);
    var meta = t.getMetadata();
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(owner.getMetadata().getNamespace())
        .withGenerateName(generateName != null ? generateName : owner.getMetadata().getName() + "-")
        .withLabels(meta == null || meta.getLabels() == null ? new HashMap<>() : meta.getLabels())
        .withAnnotations(meta == null ? null : meta.getAnnotations())
        .withFinalizers(meta == null ? null : meta.getFinalizers())
        .withOwnerReferences(List.of(Owners.controllerRef(owner)))
        .endMetadata()
        .withSpec(t.getSpec())
        .build();
  }

  /** Creates {@code pod} for {@code owner}; throws (after a FailedCreate event) on failure. */
  public Pod create(Pod pod, HasMetadata owner) {
    try {
      Pod created = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
      events.eventf(owner, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: %s", created.getMetadata().getName());
      return created;
    } catch (KubernetesClientException e) {
      events.eventf(owner, EventRecorder.WARNING, "FailedCreate", "Error creating: %s", message(e));
      throw e;
    }
  }

  /** Deletes pod {@code name}; false if it was already gone. Throws on other failures. */
  public boolean delete(String namespace, String name, HasMetadata owner) {
    try {
      var deleted = client.pods().inNamespace(namespace).withName(name).delete();
      if (deleted.isEmpty()) {
        return false;
      }
      events.eventf(owner, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: %s", name);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      events.eventf(owner, EventRecorder.WARNING, "FailedDelete", "Error deleting: %s", message(e));
      throw e;
    }
  }

  static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
