package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's pods as the API server last showed them, by UID (the kubelet's pod manager). Fed by
 * the pod informer; read by pod workers and the HTTP routes. Thread-safe. Objects are the
 * informer's: never change them.
 */
public final class PodManager {
  private final Map<String, Pod> byUid = new ConcurrentHashMap<>();

  /** Records an added or updated pod. */
  public void update(Pod pod) {
    byUid.put(pod.getMetadata().getUid(), pod);
  }

  /** Forgets a pod deleted from the API. */
  public void remove(Pod pod) {
    byUid.remove(pod.getMetadata().getUid());
  }

  /** The pod with {@code uid}, or null once it is gone from the API. */
  public Pod get(String uid) {
    return byUid.get(uid);
  }

  public Optional<Pod> byName(String namespace, String name) {
    return byUid.values().stream()
        .filter(
            p ->
                namespace.equals(p.getMetadata().getNamespace())
                    && name.equals(p.getMetadata().getName()))
        .findFirst();
  }

  public List<Pod> all() {
    return List.copyOf(byUid.values());
  }
}
