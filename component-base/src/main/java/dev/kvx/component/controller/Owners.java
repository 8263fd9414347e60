package dev.kvx.component.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Owner-reference helpers shared by all controllers (apimachinery's {@code metav1.GetControllerOf},
 * {@code NewControllerRef}, {@code IsControlledBy}, and the controllers' {@code
 * resolveControllerRef}).
 */
public final class Owners {
  private Owners() {}

  /** The owner reference of {@code obj} marked {@code controller: true}, if any. */
  public static Optional<OwnerReference> controllerOf(HasMetadata obj) {
    List<OwnerReference> refs = obj.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  /** Whether {@code obj}'s controller reference points at {@code owner} (same UID). */
  public static boolean isControlledBy(HasMetadata obj, HasMetadata owner) {
    return controllerOf(obj)
        .map(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()))
        .orElse(false);
  }

  /**
   * A controller reference to {@code owner}, as the workload controllers set on what they create
   * (controller and blockOwnerDeletion true).
   */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * The key of {@code obj}'s controller when that controller is of {@code kind}: owners live in the
   * object's namespace, so this is the key a controller of {@code kind} queues.
   */
  public static Optional<String> controllerKey(HasMetadata obj, String kind) {
    return controllerOf(obj)
        .filter(r -> kind.equals(r.getKind()))
        .map(r -> Keys.of(obj.getMetadata().getNamespace(), r.getName()));
  }

  /**
   * The cached controller of {@code obj}, if it is of {@code kind} and still the same object (the
   * UID matches: a namesake created after the owner's deletion is not the owner).
   */
  public static <T extends HasMetadata> Optional<T> resolveControllerRef(
      HasMetadata obj, String kind, Store<T> store) {
    Optional<OwnerReference> ref = controllerOf(obj).filter(r -> kind.equals(r.getKind()));
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    T owner = store.getByKey(Keys.of(obj.getMetadata().getNamespace(), ref.get().getName()));
    if (owner == null || !Objects.equals(owner.getMetadata().getUid(), ref.get().getUid())) {
      return Optional.empty();
    }
    return Optional.of(owner);
  }
}
