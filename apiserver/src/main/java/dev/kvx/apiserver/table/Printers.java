package dev.kvx.apiserver.table;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The printer of each built-in kind, by group and kind (versions of a kind print alike). */
final class Printers {

  private Printers() {}

  private static final Map<String, RowPrinter> BUILTIN = Map.ofEntries(
      Map.entry("/Pod", new PodPrinter()),
      Map.entry("/PodTemplate", WorkloadPrinters.POD_TEMPLATE),
      Map.entry("/ReplicationController", WorkloadPrinters.REPLICATION_CONTROLLER),
      Map.entry("/Service", NetworkPrinters.SERVICE),
      Map.entry("/Endpoints", NetworkPrinters.ENDPOINTS),
      Map.entry("/Node", ClusterPrinters.NODE),
      Map.entry("/Namespace", ClusterPrinters.NAMESPACE),
      Map.entry("/PersistentVolume", ClusterPrinters.PERSISTENT_VOLUME),
      Map.entry("/PersistentVolumeClaim", ClusterPrinters.PERSISTENT_VOLUME_CLAIM),
      Map.entry("/ConfigMap", ConfigPrinters.CONFIG_MAP),
      Map.entry("/Secret", ConfigPrinters.SECRET),
      Map.entry("/ServiceAccount", ConfigPrinters.SERVICE_ACCOUNT),
      Map.entry("/ResourceQuota", ConfigPrinters.RESOURCE_QUOTA),
      Map.entry("/Event", EventPrinter.CORE_EVENT),
      Map.entry("events.k8s.io/Event", EventPrinter.EVENTS_EVENT),
      Map.entry("apps/Deployment", WorkloadPrinters.DEPLOYMENT),
      Map.entry("apps/ReplicaSet", WorkloadPrinters.REPLICA_SET),
      Map.entry("apps/DaemonSet", WorkloadPrinters.DAEMON_SET),
      Map.entry("apps/StatefulSet", WorkloadPrinters.STATEFUL_SET),
      Map.entry("apps/ControllerRevision", WorkloadPrinters.CONTROLLER_REVISION),
      Map.entry("batch/Job", WorkloadPrinters.JOB),
      Map.entry("batch/CronJob", WorkloadPrinters.CRON_JOB),
      Map.entry("autoscaling/HorizontalPodAutoscaler", PolicyPrinters.HORIZONTAL_POD_AUTOSCALER),
      Map.entry("policy/PodDisruptionBudget", PolicyPrinters.POD_DISRUPTION_BUDGET),
      Map.entry("networking.k8s.io/Ingress", NetworkPrinters.INGRESS),
      Map.entry("networking.k8s.io/IngressClass", NetworkPrinters.INGRESS_CLASS),
      Map.entry("networking.k8s.io/NetworkPolicy", NetworkPrinters.NETWORK_POLICY),
      Map.entry("discovery.k8s.io/EndpointSlice", NetworkPrinters.ENDPOINT_SLICE),
      Map.entry("storage.k8s.io/StorageClass", ClusterPrinters.STORAGE_CLASS),
      Map.entry("scheduling.k8s.io/PriorityClass", ClusterPrinters.PRIORITY_CLASS),
      Map.entry("coordination.k8s.io/Lease", ClusterPrinters.LEASE),
      Map.entry("rbac.authorization.k8s.io/RoleBinding", ConfigPrinters.ROLE_BINDING),
      Map.entry("rbac.authorization.k8s.io/ClusterRoleBinding", ConfigPrinters.CLUSTER_ROLE_BINDING));

  /**
   * kube-apiserver's default table for kinds without a printer (Roles, ClusterRoles, LimitRanges,
   * CustomResourceDefinitions…): NAME and CREATED AT, the creation time in RFC 3339.
   */
  static final RowPrinter DEFAULT = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          new TableColumn("Created At", "date", "", TableColumn.CREATION_DESCRIPTION, 0)),
      (obj, now) -> {
        java.time.Instant created = Obj.time(obj, "metadata", "creationTimestamp");
        return Arrays.asList(Obj.name(obj),
            created == null ? "0001-01-01T00:00:00Z" : DateTimeFormatter.ISO_INSTANT.format(created.truncatedTo(ChronoUnit.SECONDS)));
      });

  /** The built-in printer of a kind, or null. */
  static RowPrinter builtin(String group, String kind) {
    return BUILTIN.get(group + "/" + kind);
  }
}
