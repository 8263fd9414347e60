package dev.kvx.controller.common;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * The pod handler of a controller that creates pods under expectations (Job, DaemonSet): it
 * observes creations and deletions for the owning object of {@code kind} and queues that owner.
 * Orphans are not adopted through this handler.
 */
public final class OwnedPodHandler implements ResourceEventHandler<Pod> {
  private final String kind;
  private final BiPredicate<String, OwnerReference> ownerExists;
  private final Expectations expectations;
  private final Controller controller;

  /**
   * @param ownerExists whether the owner a reference names (in the given namespace) is in the
   *     cache with the reference's UID
   */
  public OwnedPodHandler(String kind, BiPredicate<String, OwnerReference> ownerExists, Expectations expectations, Controller controller) {
    this.kind = kind;
    this.ownerExists = ownerExists;
    this.expectations = expectations;
    this.controller = controller;
  }

  private String ownerKey(Pod pod) {
    OwnerReference ref = Owners.controllerOf(pod).orElse(null);
    if (ref == null || !kind.equals(ref.getKind()) || !ownerExists.test(pod.getMetadata().getNamespace(), ref)) {
      return null;
    }
    return Keys.of(pod.getMetadata().getNamespace(), ref.getName());
  }

  @Override
  public void onAdd(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      onDelete(pod, false);
      return;
    }
    String key = ownerKey(pod);
    if (key != null) {
      expectations.creationObserved(key);
      controller.enqueueKey(key);
    }
  }

  @Override
  public void onUpdate(Pod old, Pod pod) {
    if (Objects.equals(old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null && old.getMetadata().getDeletionTimestamp() == null) {
      String key = ownerKey(pod);
      if (key != null) {
        expectations.deletionObserved(key, Keys.of(pod));
      }
    }
    String oldKey = ownerKey(old);
    String key = ownerKey(pod);
    if (key != null) {
      controller.enqueueKey(key);
    }
    if (oldKey != null && !oldKey.equals(key)) {
      controller.enqueueKey(oldKey);
    }
  }

  @Override
  public void onDelete(Pod pod, boolean unknown) {
    String key = ownerKey(pod);
    if (key != null) {
      expectations.deletionObserved(key, Keys.of(pod));
      controller.enqueueKey(key);
    }
  }
}
