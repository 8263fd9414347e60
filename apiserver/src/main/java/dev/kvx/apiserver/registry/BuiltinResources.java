package dev.kvx.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The built-in kinds kvx serves, with the names, short names, categories and subresources that
 * kube-apiserver 1.32 publishes. Order is discovery order (core first, then groups as upstream
 * lists them).
 */
public final class BuiltinResources {

  private BuiltinResources() {}

  public static final List<ResourceType> ALL = build();

  private static ResourceType t(
      String group,
      String version,
      String kind,
      String plural,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      String... subresources) {
    return stored("/registry/" + plural + "/", group, version, kind, plural, namespaced, shortNames, categories, subresources);
  }

  private static ResourceType stored(
      String storagePrefix,
      String group,
      String version,
      String kind,
      String plural,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      String... subresources) {
    return new ResourceType(
        group,
        version,
        kind,
        plural,
        kind.toLowerCase(),
        namespaced,
        shortNames,
        categories,
        Set.of(subresources),
        storagePrefix);
  }

  private static List<ResourceType> build() {
    List<String> none = List.of();
    List<String> all = List.of("all");
    List<ResourceType> r = new ArrayList<>();
    // core/v1
    r.add(t("", "v1", "ConfigMap", "configmaps", true, List.of("cm"), none));
    r.add(t("", "v1", "Endpoints", "endpoints", true, List.of("ep"), none));
    r.add(t("", "v1", "Event", "events", true, List.of("ev"), none));
    r.add(t("", "v1", "LimitRange", "limitranges", true, List.of("limits"), none));
    r.add(t("", "v1", "Namespace", "namespaces", false, List.of("ns"), none, "status", "finalize"));
    r.add(t("", "v1", "Node", "nodes", false, List.of("no"), none, "status", "proxy"));
    r.add(t("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, List.of("pvc"), none, "status"));
    r.add(t("", "v1", "PersistentVolume", "persistentvolumes", false, List.of("pv"), none, "status"));
    r.add(t("", "v1", "Pod", "pods", true, List.of("po"), all,
        "status", "binding", "eviction", "log", "exec", "attach", "portforward", "proxy", "ephemeralcontainers"));
    r.add(t("", "v1", "ReplicationController", "replicationcontrollers", true, List.of("rc"), all, "status", "scale"));
    r.add(t("", "v1", "ResourceQuota", "resourcequotas", true, List.of("quota"), none, "status"));
    r.add(t("", "v1", "Secret", "secrets", true, none, none));
    r.add(t("", "v1", "ServiceAccount", "serviceaccounts", true, List.of("sa"), none, "token"));
    r.add(t("", "v1", "Service", "services", true, List.of("svc"), all, "status", "proxy"));
    // apps/v1
    r.add(t("apps", "v1", "ControllerRevision", "controllerrevisions", true, none, none));
    r.add(t("apps", "v1", "DaemonSet", "daemonsets", true, List.of("ds"), all, "status"));
    r.add(t("apps", "v1", "Deployment", "deployments", true, List.of("deploy"), all, "status", "scale"));
    r.add(t("apps", "v1", "ReplicaSet", "replicasets", true, List.of("rs"), all, "status", "scale"));
    r.add(t("apps", "v1", "StatefulSet", "statefulsets", true, List.of("sts"), all, "status", "scale"));
    // events.k8s.io/v1 (stored apart from core events: kvx does not convert between the two shapes)
    r.add(stored("/registry/events.k8s.io/events/", "events.k8s.io", "v1", "Event", "events", true, List.of("ev"), none));
    // autoscaling: v2 preferred, v1 served from the same storage
    r.add(t("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"), all, "status"));
    r.add(t("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, List.of("hpa"), all, "status"));
    // batch/v1
    r.add(t("batch", "v1", "CronJob", "cronjobs", true, List.of("cj"), all, "status"));
    r.add(t("batch", "v1", "Job", "jobs", true, none, all, "status"));
    // networking.k8s.io/v1
    r.add(t("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, none, none));
    r.add(t("networking.k8s.io", "v1", "Ingress", "ingresses", true, List.of("ing"), none, "status"));
    r.add(t("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, List.of("netpol"), none));
    // policy/v1
    r.add(t("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, List.of("pdb"), none, "status"));
    // rbac.authorization.k8s.io/v1
    String rbac = "rbac.authorization.k8s.io";
    r.add(t(rbac, "v1", "ClusterRoleBinding", "clusterrolebindings", false, none, none));
    r.add(t(rbac, "v1", "ClusterRole", "clusterroles", false, none, none));
    r.add(t(rbac, "v1", "RoleBinding", "rolebindings", true, none, none));
    r.add(t(rbac, "v1", "Role", "roles", true, none, none));
    // storage.k8s.io/v1
    r.add(t("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, List.of("sc"), none));
    // apiextensions.k8s.io/v1
    r.add(stored("/registry/apiextensions.k8s.io/customresourcedefinitions/", "apiextensions.k8s.io", "v1",
        "CustomResourceDefinition", "customresourcedefinitions", false, List.of("crd", "crds"),
        List.of("api-extensions"), "status"));
    // scheduling.k8s.io/v1
    r.add(t("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, List.of("pc"), none));
    // coordination.k8s.io/v1
    r.add(t("coordination.k8s.io", "v1", "Lease", "leases", true, none, none));
    // discovery.k8s.io/v1
    r.add(t("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, none, none));
    return List.copyOf(r);
  }
}
