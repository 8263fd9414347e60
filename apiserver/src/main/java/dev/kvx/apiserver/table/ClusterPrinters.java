package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.has;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.str;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Nodes, Namespaces, PersistentVolumes, PersistentVolumeClaims, StorageClasses, PriorityClasses
 * and Leases. Fields upstream defaults on create (phases, volume modes, policies) print as their
 * default when a stored object lacks them.
 */
final class ClusterPrinters {

  private ClusterPrinters() {}

  static final RowPrinter NODE = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Status", "The status of the node"),
          TableColumn.string("Roles", "The roles of the node"),
          TableColumn.ageColumn(),
          TableColumn.string("Version", "Kubelet Version reported by the node."),
          TableColumn.string("Internal-IP", "List of addresses reachable to the node.").wide(),
          TableColumn.string("External-IP", "List of addresses reachable to the node.").wide(),
          TableColumn.string("OS-Image", "OS Image reported by the node from /etc/os-release"
              + " (e.g. Debian GNU/Linux 7 (wheezy)).").wide(),
          TableColumn.string("Kernel-Version", "Kernel Version reported by the node from 'uname"
              + " -r' (e.g. 3.16.0-0.bpo.4-amd64).").wide(),
          TableColumn.string("Container-Runtime", "ContainerRuntime Version reported by the node"
              + " through runtime remote API (e.g. containerd://1.4.2).").wide()),
      (node, now) -> {
        List<String> status = new ArrayList<>();
        for (JsonNode c : list(node, "status", "conditions")) {
          if (str(c, "type").equals("Ready")) {
            status.add(str(c, "status").equals("True") ? "Ready" : "NotReady");
            break;
          }
        }
        if (status.isEmpty()) {
          status.add("Unknown");
        }
        if (Obj.bool(node, "spec", "unschedulable")) {
          status.add("SchedulingDisabled");
        }
        TreeSet<String> roles = new TreeSet<>();
        Obj.map(node, "metadata", "labels").forEach((k, v) -> {
          if (k.startsWith("node-role.kubernetes.io/") && k.length() > "node-role.kubernetes.io/".length()) {
            roles.add(k.substring("node-role.kubernetes.io/".length()));
          } else if (k.equals("kubernetes.io/role") && !v.isEmpty()) {
            roles.add(v);
          }
        });
        JsonNode info = at(node, "status", "nodeInfo");
        return Arrays.asList(Obj.name(node), String.join(",", status),
            roles.isEmpty() ? "<none>" : String.join(",", roles), Obj.age(node, now),
            str(info, "kubeletVersion"), address(node, "InternalIP"), address(node, "ExternalIP"),
            Obj.strOr("<unknown>", info, "osImage"), Obj.strOr("<unknown>", info, "kernelVersion"),
            Obj.strOr("<unknown>", info, "containerRuntimeVersion"));
      });

  private static String address(JsonNode node, String type) {
    for (JsonNode a : list(node, "status", "addresses")) {
      if (str(a, "type").equals(type)) {
        return str(a, "address");
      }
    }
    return "<none>";
  }

  static final RowPrinter NAMESPACE = RowPrinter.of(
      List.of(TableColumn.nameColumn(), TableColumn.string("Status", "The status of the namespace"),
          TableColumn.ageColumn()),
      (ns, now) -> Arrays.asList(Obj.name(ns), Obj.strOr("Active", ns, "status", "phase"),
          Obj.age(ns, now)));

  static final RowPrinter PERSISTENT_VOLUME = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Capacity", "capacity is the description of the persistent volume's"
              + " resources and capacity."),
          TableColumn.string("Access Modes", "accessModes contains all ways the volume can be"
              + " mounted."),
          TableColumn.string("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens"
              + " to a persistent volume when released from its claim."),
          TableColumn.string("Status", "phase indicates if a volume is available, bound to a claim,"
              + " or released by a claim."),
          TableColumn.string("Claim", "claimRef is part of a bi-directional binding between"
              + " PersistentVolume and PersistentVolumeClaim."),
          TableColumn.string("StorageClass", "StorageClass of the pv"),
          TableColumn.string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
          TableColumn.string("Reason", "reason is a brief CamelCase string that describes any"
              + " failure and is meant for machine parsing and tidy display in the CLI."),
          TableColumn.ageColumn(),
          TableColumn.string("VolumeMode", "volumeMode defines if a volume is intended to be used"
              + " with a formatted filesystem or to remain in raw block state.").wide()),
      (pv, now) -> {
        String claim = "";
        if (at(pv, "spec", "claimRef").isObject()) {
          claim = str(pv, "spec", "claimRef", "namespace") + "/" + str(pv, "spec", "claimRef", "name");
        }
        String phase = has(pv, "metadata", "deletionTimestamp") ? "Terminating"
            : Obj.strOr("Pending", pv, "status", "phase");
        String storageClass = Obj.map(pv, "metadata", "annotations")
            .getOrDefault("volume.beta.kubernetes.io/storage-class", str(pv, "spec", "storageClassName"));
        return Arrays.asList(Obj.name(pv), Obj.strOr("0", pv, "spec", "capacity", "storage"),
            accessModes(at(pv, "spec", "accessModes")),
            Obj.strOr("Retain", pv, "spec", "persistentVolumeReclaimPolicy"), phase, claim,
            storageClass, Obj.strOr("<unset>", pv, "spec", "volumeAttributesClassName"),
            str(pv, "status", "reason"), Obj.age(pv, now),
            Obj.strOr("Filesystem", pv, "spec", "volumeMode"));
      });

  static final RowPrinter PERSISTENT_VOLUME_CLAIM = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Status", "phase represents the current phase of"
              + " PersistentVolumeClaim."),
          TableColumn.string("Volume", "volumeName is the binding reference to the PersistentVolume"
              + " backing this claim."),
          TableColumn.string("Capacity", "capacity represents the actual resources of the"
              + " underlying volume."),
          TableColumn.string("Access Modes", "accessModes contains the actual access modes the"
              + " volume backing the PVC has."),
          TableColumn.string("StorageClass", "StorageClass of the pvc"),
          TableColumn.string("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
          TableColumn.ageColumn(),
          TableColumn.string("VolumeMode", "volumeMode defines what type of volume is required by"
              + " the claim.").wide()),
      (pvc, now) -> {
        String phase = has(pvc, "metadata", "deletionTimestamp") ? "Terminating"
            : Obj.strOr("Pending", pvc, "status", "phase");
        String capacity = "";
        String modes = "";
        if (!str(pvc, "spec", "volumeName").isEmpty()) {
          modes = accessModes(at(pvc, "status", "accessModes"));
          capacity = Obj.strOr("0", pvc, "status", "capacity", "storage");
        }
        Map<String, String> annotations = Obj.map(pvc, "metadata", "annotations");
        String storageClass = annotations.getOrDefault(
            "volume.beta.kubernetes.io/storage-class", str(pvc, "spec", "storageClassName"));
        return Arrays.asList(Obj.name(pvc), phase, str(pvc, "spec", "volumeName"), capacity, modes,
            storageClass, Obj.strOr("<unset>", pvc, "spec", "volumeAttributesClassName"),
            Obj.age(pvc, now), Obj.strOr("Filesystem", pvc, "spec", "volumeMode"));
      });

  /** {@code helper.GetAccessModesAsString}: RWO, ROX, RWX, RWOP in that order. */
  private static String accessModes(JsonNode modes) {
    List<String> present = new ArrayList<>();
    modes.forEach(m -> present.add(m.asString()));
    List<String> out = new ArrayList<>();
    if (present.contains("ReadWriteOnce")) {
      out.add("RWO");
    }
    if (present.contains("ReadOnlyMany")) {
      out.add("ROX");
    }
    if (present.contains("ReadWriteMany")) {
      out.add("RWX");
    }
    if (present.contains("ReadWriteOncePod")) {
      out.add("RWOP");
    }
    return String.join(",", out);
  }

  static final RowPrinter STORAGE_CLASS = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Provisioner", "provisioner indicates the type of the provisioner."),
          TableColumn.string("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for"
              + " dynamically provisioned PersistentVolumes of this storage class."),
          TableColumn.string("VolumeBindingMode", "volumeBindingMode indicates how"
              + " PersistentVolumeClaims should be provisioned and bound."),
          TableColumn.string("AllowVolumeExpansion", "allowVolumeExpansion shows whether the"
              + " storage class allow volume expand."),
          TableColumn.ageColumn()),
      (sc, now) -> {
        Map<String, String> annotations = Obj.map(sc, "metadata", "annotations");
        boolean isDefault = "true".equals(annotations.get("storageclass.kubernetes.io/is-default-class"))
            || "true".equals(annotations.get("storageclass.beta.kubernetes.io/is-default-class"));
        return Arrays.asList(Obj.name(sc) + (isDefault ? " (default)" : ""),
            str(sc, "provisioner"), Obj.strOr("Delete", sc, "reclaimPolicy"),
            Obj.strOr("Immediate", sc, "volumeBindingMode"),
            Obj.bool(sc, "allowVolumeExpansion"), Obj.age(sc, now));
      });

  static final RowPrinter PRIORITY_CLASS = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.integer("Value", "value represents the integer value of this priority"
              + " class."),
          TableColumn.bool("Global-Default", "globalDefault specifies whether this PriorityClass"
              + " should be considered as the default priority for pods that do not have any"
              + " priority class."),
          TableColumn.ageColumn(),
          // Not a wide column upstream, although its cell is only filled for wide output, which
          // the server always generates.
          TableColumn.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting"
              + " pods with lower priority.")),
      (pc, now) -> Arrays.asList(Obj.name(pc), num(pc, "value"), Obj.bool(pc, "globalDefault"),
          Obj.age(pc, now), Obj.strOr("PreemptLowerPriority", pc, "preemptionPolicy")));

  static final RowPrinter LEASE = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Holder", "holderIdentity contains the identity of the holder of a"
              + " current lease."),
          TableColumn.ageColumn()),
      (lease, now) -> Arrays.asList(Obj.name(lease), str(lease, "spec", "holderIdentity"),
          Obj.age(lease, now)));
}
