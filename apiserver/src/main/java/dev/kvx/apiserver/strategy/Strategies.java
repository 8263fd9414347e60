package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.registry.ResourceType;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strategy of each kind, looked up by group and kind; kinds without one get a generic strategy
 * that only says whether the kind tracks generation and whether its names are DNS labels.
 * {@code new Strategies()} knows every built-in strategy of this package.
 */
public final class Strategies {

  /** Kinds whose spec changes bump metadata.generation upstream (and have no own strategy here). */
  private static final Set<String> GENERATION_KINDS = Set.of(
      "apps/Deployment", "apps/ReplicaSet", "apps/StatefulSet", "apps/DaemonSet",
      "batch/Job", "batch/CronJob", "policy/PodDisruptionBudget",
      "autoscaling/HorizontalPodAutoscaler", "networking.k8s.io/Ingress",
      "networking.k8s.io/NetworkPolicy", "apiextensions.k8s.io/CustomResourceDefinition");

  private static final Set<String> DNS_LABEL_KINDS = Set.of("/Namespace", "/Service");

  private final Map<String, ResourceStrategy> byKind = new ConcurrentHashMap<>();

  /** The built-in strategies, with Priority admission resolving only the system classes. */
  public Strategies() {
    this(PriorityClassLookup.NONE);
  }

  /** The built-in strategies, with Priority admission reading PriorityClasses from {@code priorityClasses}. */
  public Strategies(PriorityClassLookup priorityClasses) {
    register("", "Pod", new PodStrategy(priorityClasses));
    register("", "Service", new ServiceStrategy());
    register("", "Namespace", new NamespaceStrategy());
    register("", "Node", new NodeStrategy());
    register("", "PersistentVolumeClaim", new PersistentVolumeClaimStrategy());
    register("", "Secret", new SecretStrategy());
    register("", "ConfigMap", new ConfigMapStrategy());
    register("apps", "Deployment", new DeploymentStrategy());
    register("apps", "ReplicaSet", new ReplicaSetStrategy());
    register("apps", "StatefulSet", new StatefulSetStrategy());
    register("apps", "DaemonSet", new DaemonSetStrategy());
    register("batch", "Job", new JobStrategy());
    register("batch", "CronJob", new CronJobStrategy());
  }

  private static String id(String group, String kind) {
    return group + "/" + kind;
  }

  /** Installs (or replaces) the strategy of a kind, e.g. for custom resources. */
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
