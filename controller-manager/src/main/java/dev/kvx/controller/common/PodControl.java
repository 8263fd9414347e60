package dev.kvx.controller.common;

import dev.kvx.component.controller.Keys;
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
import java.util.function.IntFunction;
import java.util.stream.Collectors;

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

  /**
   * Creates {@code count} pods for {@code owner}, the i-th being {@code podFor.apply(i)}, in
   * slow-start batches (upstream's {@code slowStartBatch}) under the expectations of {@code key}:
   * raised before the first create (the informer may see a pod before its create returns), and
   * lowered at once for each create that failed or was skipped, as it will never be observed.
   * Returns how many were created; throws the first failure.
   */
  public int createPods(
      Expectations expectations, String key, int count, IntFunction<Pod> podFor, HasMetadata owner)
      throws Exception {
    if (count == 0) {
      return 0;
    }
    expectations.expectCreations(key, count);
    SlowStart.Outcome outcome =
        SlowStart.run(
            count,
            SlowStart.INITIAL_BATCH_SIZE,
            i -> {
              create(podFor.apply(i), owner);
              return null;
            });
    for (int i = outcome.successes(); i < count; i++) {
      expectations.creationObserved(key);
    }
    if (outcome.failed()) {
      throw outcome.errors().get(0);
    }
    return outcome.successes();
  }

  /**
   * Deletes {@code victims} in parallel under the expectations of {@code key}: raised before the
   * first delete, and lowered at once for a pod that was already gone or whose delete failed, as
   * no informer event will report it. Returns how many deletes succeeded (a pod already gone
   * counts); throws the first failure.
   */
  public int deletePods(Expectations expectations, String key, List<Pod> victims, HasMetadata owner)
      throws Exception {
    if (victims.isEmpty()) {
      return 0;
    }
    expectations.expectDeletions(key, victims.stream().map(Keys::of).collect(Collectors.toSet()));
    SlowStart.Outcome outcome =
        SlowStart.parallel(
            victims.size(),
            i -> {
              Pod p = victims.get(i);
              try {
                if (!delete(p.getMetadata().getNamespace(), p.getMetadata().getName(), owner)) {
                  expectations.deletionObserved(key, Keys.of(p));
                }
              } catch (RuntimeException e) {
                expectations.deletionObserved(key, Keys.of(p));
                throw e;
              }
              return null;
            });
    if (outcome.failed()) {
      throw outcome.errors().get(0);
    }
    return outcome.successes();
  }

  static String message(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }
}
