package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.registry.ResourceType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The strategy of each kind, looked up by group and kind; unknown kinds get the generic one. */
public final class Strategies {

  /** Kinds whose spec changes bump metadata.generation upstream. */
  private static final Set<String> GENERATION_KINDS = Set.of(
      "apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet", "apps/DaemonSet",
      "batch/Job", "batch/CronJob", "policy/PodDisruptionBudget",
      "autoscaling/HorizontalPodAutoscaler", "networking.k8s.io/Ingress",
      "networking.k8s.io/NetworkPolicy", "apiextensions.k8s.io/CustomResourceDefinition");

  private static final Set<String> DNS_LABEL_KINDS = Set.of("/Namespace", "/Service");

  private final Map<String, ResourceStrategy> byKind = new ConcurrentHashMap<>();

  private static String id(String group, String kind) {
    return group + "/" + kind;
  }

  public void register(String group, String kind, ResourceStrategy strategy) {
    byKind.put(id(group, kind), strategy);
  }

  public ResourceStrategy of(ResourceType type) {
    ResourceStrategy s = byKind.get(id(type.group(), type.kind()));
    if (s != null) {
      return s;
    }
    boolean generation = GENERATION_KINDS.contains(id(type.group(), type.kind()));
    boolean label = DNS_LABEL_KINDS.contains(id(type.group(), type.kind()));
    if (!generation && !label) {
      return ResourceStrategy.GENERIC;
    }
    return new ResourceStrategy() {
      @Override
      public boolean tracksGeneration() {
        return generation;
      }

      @Override
      public boolean nameIsDnsLabel() {
        return label;
      }
    };
  }
}
