package dev.kvx.controller.common;

import dev.kvx.component.controller.Owners;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Adoption and release of dependents by a controller (upstream's {@code
 * BaseControllerRefManager.ClaimObject}): a controller owns the objects that carry its controller
 * reference and match its selector; it adopts matching orphans and releases owned objects that no
 * longer match.
 *
 * <p>Patches carry the cached object's uid and resourceVersion, so an adoption based on a stale
 * cache fails with 409 and the owner is synced again with a fresher cache. Blocking: call from a
 * worker.
 */
public final class ControllerRefManager {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;

  public ControllerRefManager(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The objects among {@code candidates} that {@code owner} controls after adopting matching
   * orphans and releasing non-matching dependents.
   *
   * @param canAdopt checked (once, lazily) before the first adoption: a fresh read that the owner
   *     still exists and is not being deleted, as upstream's {@code RecheckDeletionTimestamp}
   */
  public <T extends HasMetadata> List<T> claim(
      HasMetadata owner, Predicate<T> matches, List<T> candidates, BooleanSupplier canAdopt) {
    List<T> claimed = new ArrayList<>();
    boolean ownerDeleting = owner.getMetadata().getDeletionTimestamp() != null;
    Boolean adoptable = null;
    for (T obj : candidates) {
      OwnerReference ref = Owners.controllerOf(obj).orElse(null);
      boolean deleting = obj.getMetadata().getDeletionTimestamp() != null;
      if (ref != null) {
        if (!Objects.equals(ref.getUid(), owner.getMetadata().getUid())) {
          continue; // someone else's
        }
        if (matches.test(obj)) {
          claimed.add(obj);
        } else if (!ownerDeleting && !deleting) {
          release(owner, obj);
        }
        continue;
      }
      if (ownerDeleting || deleting || !matches.test(obj)) {
        continue;
      }
      if (adoptable == null) {
        adoptable = canAdopt.getAsBoolean();
      }
      if (!adoptable) {
        continue;
      }
      T adopted = adopt(owner, obj);
      if (adopted != null) {
        claimed.add(adopted);
      }
    }
    return claimed;
  }

  /** Adds {@code owner}'s controller reference to {@code obj}; null if {@code obj} is gone. */
  public <T extends HasMetadata> T adopt(HasMetadata owner, T obj) {
    List<OwnerReference> refs = new ArrayList<>();
    if (obj.getMetadata().getOwnerReferences() != null) {
      refs.addAll(obj.getMetadata().getOwnerReferences());
    }
    refs.add(Owners.controllerRef(owner));
    return patchOwnerReferences(obj, refs);
  }

  /** Removes {@code owner}'s reference from {@code obj}; null if {@code obj} is gone. */
  public <T extends HasMetadata> T release(HasMetadata owner, T obj) {
    List<OwnerReference> refs = new ArrayList<>(obj.getMetadata().getOwnerReferences());
    refs.removeIf(r -> Objects.equals(r.getUid(), owner.getMetadata().getUid()));
    return patchOwnerReferences(obj, refs);
  }

  private <T extends HasMetadata> T patchOwnerReferences(T obj, List<OwnerReference> refs) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("uid", obj.getMetadata().getUid());
    meta.put("resourceVersion", obj.getMetadata().getResourceVersion());
    meta.put("ownerReferences", refs);
    String patch = JSON.asJson(Map.of("metadata", meta));
    try {
      return client.resource(obj).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }
}
