package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.schema.Schema.PatchStrategy;
import java.util.Map;

/**
 * Upstream's strategic-merge annotations ({@code patchStrategy}/{@code patchMergeKey} struct tags
 * in k8s.io/api, published as {@code x-kubernetes-patch-strategy} and
 * {@code x-kubernetes-patch-merge-key}) for the lists clients patch most. fabric8's model carries
 * no such annotations, so they are listed here, keyed by the owning fabric8 class's simple name and
 * the JSON property. A list absent from this table is atomic: a patch replaces it whole, which is
 * also upstream's rule for lists without a patch strategy (e.g. {@code PodSpec.tolerations}).
 * Lists carry their entry as {@link Schema#patchStrategy()}; the one object entry
 * ({@code DeploymentSpec.strategy}, retainKeys) is found with {@link #of(Class, String)}.
 */
public final class PatchMergeKeys {

  private PatchMergeKeys() {}

  private static final PatchStrategy MERGE_BY_NAME = new PatchStrategy("merge", "name");
  private static final PatchStrategy MERGE_BY_TYPE = new PatchStrategy("merge", "type");

  /** {@code Owner.property} → strategy and merge key, as k8s.io/api 1.32 declares them. */
  public static final Map<String, PatchStrategy> TABLE = Map.ofEntries(
      Map.entry("ObjectMeta.finalizers", new PatchStrategy("merge", null)),
      Map.entry("ObjectMeta.ownerReferences", new PatchStrategy("merge", "uid")),
      Map.entry("PodSpec.containers", MERGE_BY_NAME),
      Map.entry("PodSpec.initContainers", MERGE_BY_NAME),
      Map.entry("PodSpec.ephemeralContainers", MERGE_BY_NAME),
      Map.entry("PodSpec.volumes", new PatchStrategy("merge,retainKeys", "name")),
      Map.entry("PodSpec.imagePullSecrets", MERGE_BY_NAME),
      Map.entry("PodSpec.hostAliases", new PatchStrategy("merge", "ip")),
      Map.entry("PodSpec.topologySpreadConstraints", new PatchStrategy("merge", "topologyKey")),
      Map.entry("PodSpec.schedulingGates", MERGE_BY_NAME),
      Map.entry("PodSpec.resourceClaims", new PatchStrategy("merge,retainKeys", "name")),
      Map.entry("Container.ports", new PatchStrategy("merge", "containerPort")),
      Map.entry("Container.env", MERGE_BY_NAME),
      Map.entry("Container.volumeMounts", new PatchStrategy("merge", "mountPath")),
      Map.entry("Container.volumeDevices", new PatchStrategy("merge", "devicePath")),
      Map.entry("EphemeralContainer.ports", new PatchStrategy("merge", "containerPort")),
      Map.entry("EphemeralContainer.env", MERGE_BY_NAME),
      Map.entry("EphemeralContainer.volumeMounts", new PatchStrategy("merge", "mountPath")),
      Map.entry("EphemeralContainer.volumeDevices", new PatchStrategy("merge", "devicePath")),
      Map.entry("PodStatus.conditions", MERGE_BY_TYPE),
      Map.entry("PodStatus.podIPs", new PatchStrategy("merge", "ip")),
      Map.entry("NodeStatus.conditions", MERGE_BY_TYPE),
      Map.entry("NodeStatus.addresses", MERGE_BY_TYPE),
      Map.entry("NamespaceStatus.conditions", MERGE_BY_TYPE),
      Map.entry("PersistentVolumeClaimStatus.conditions", MERGE_BY_TYPE),
      Map.entry("ServiceSpec.ports", new PatchStrategy("merge", "port")),
      Map.entry("ServiceStatus.conditions", MERGE_BY_TYPE),
      Map.entry("ServiceAccount.secrets", MERGE_BY_NAME),
      Map.entry("DeploymentStatus.conditions", MERGE_BY_TYPE),
      Map.entry("ReplicaSetStatus.conditions", MERGE_BY_TYPE),
      Map.entry("StatefulSetStatus.conditions", MERGE_BY_TYPE),
      Map.entry("DaemonSetStatus.conditions", MERGE_BY_TYPE),
      Map.entry("JobStatus.conditions", MERGE_BY_TYPE),
      Map.entry("DeploymentSpec.strategy", new PatchStrategy("retainKeys", null)),
      Map.entry("PodDisruptionBudgetStatus.conditions", MERGE_BY_TYPE),
      Map.entry("CustomResourceDefinitionStatus.conditions", MERGE_BY_TYPE));

  /** The annotations of {@code owner.property}, or null when that list is atomic. */
  public static PatchStrategy of(Class<?> owner, String property) {
    return owner == null ? null : TABLE.get(owner.getSimpleName() + "." + property);
  }
}
