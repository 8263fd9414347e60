package dev.kvx.apiserver.protobuf;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashSet;
import java.util.Set;

/**
 * What a protobuf descriptor cannot say about the Go field behind it: whether its zero value is
 * written to JSON, and whether it is an embedded ({@code json:",inline"}) struct.
 *
 * <p>kubectl's marshaller writes every non-pointer scalar (so {@code uid: ""}, {@code generation:
 * 0} arrive "set"), and writes pointer scalars only when non-nil. A zero therefore means "omit"
 * for the usual {@code omitempty} field, but must be kept for a pointer ({@code replicas: 0},
 * {@code backoffLimit: 0}, {@code automountServiceAccountToken: false}) and for a field without
 * {@code omitempty} ({@code PriorityClass.value: 0}). This is that list, from the Go types of
 * k8s.io/api 1.32 for the groups kubectl writes in protobuf; a field missing here only loses an
 * explicit zero, never a non-zero value.
 */
final class GoFields {

  private static final Set<String> KEEP_ZERO = new HashSet<>();
  private static final Set<String> INLINE = new HashSet<>();

  private GoFields() {}

  private static void keep(String message, String... fields) {
    String fullName = message.startsWith("meta.")
        ? "k8s.io.apimachinery.pkg.apis." + message
        : "k8s.io.api." + message;
    for (String f : fields) {
      KEEP_ZERO.add(fullName + "." + f);
    }
  }

  private static void inline(String message, String field) {
    INLINE.add("k8s.io.api." + message + "." + field);
  }

  static {
    // meta/v1
    keep("meta.v1.ObjectMeta", "deletionGracePeriodSeconds");
    keep("meta.v1.OwnerReference", "controller", "blockOwnerDeletion");
    keep("meta.v1.DeleteOptions", "gracePeriodSeconds", "orphanDependents", "propagationPolicy");
    keep("meta.v1.Preconditions", "uid", "resourceVersion");
    keep("meta.v1.ListMeta", "remainingItemCount");

    // core/v1: pod template
    keep("core.v1.PodSpec", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
        "automountServiceAccountToken", "shareProcessNamespace", "priority", "enableServiceLinks",
        "preemptionPolicy", "runtimeClassName", "setHostnameAsFQDN", "hostUsers");
    keep("core.v1.PodSecurityContext", "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup",
        "fsGroupChangePolicy", "supplementalGroupsPolicy", "seLinuxChangePolicy");
    keep("core.v1.SecurityContext", "privileged", "runAsUser", "runAsGroup", "runAsNonRoot",
        "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount");
    keep("core.v1.WindowsSecurityContextOptions", "gmsaCredentialSpecName", "gmsaCredentialSpec",
        "runAsUserName", "hostProcess");
    keep("core.v1.SeccompProfile", "localhostProfile");
    keep("core.v1.AppArmorProfile", "localhostProfile");
    keep("core.v1.Container", "restartPolicy");
    keep("core.v1.EphemeralContainerCommon", "restartPolicy");
    keep("core.v1.ContainerPort", "containerPort");
    keep("core.v1.Probe", "terminationGracePeriodSeconds");
    keep("core.v1.GRPCAction", "port", "service");
    keep("core.v1.SleepAction", "seconds");
    keep("core.v1.HTTPHeader", "value");
    keep("core.v1.VolumeMount", "mountPropagation", "recursiveReadOnly");
    keep("core.v1.Toleration", "tolerationSeconds");
    keep("core.v1.TopologySpreadConstraint", "maxSkew", "minDomains", "nodeAffinityPolicy",
        "nodeTaintsPolicy");
    keep("core.v1.WeightedPodAffinityTerm", "weight");
    keep("core.v1.PreferredSchedulingTerm", "weight");
    keep("core.v1.PodDNSConfigOption", "value");
    keep("core.v1.PodResourceClaim", "resourceClaimName", "resourceClaimTemplateName");
    // core/v1: volumes
    keep("core.v1.ConfigMapVolumeSource", "defaultMode", "optional");
    keep("core.v1.SecretVolumeSource", "defaultMode", "optional");
    keep("core.v1.KeyToPath", "mode");
    keep("core.v1.DownwardAPIVolumeSource", "defaultMode");
    keep("core.v1.DownwardAPIVolumeFile", "mode");
    keep("core.v1.ProjectedVolumeSource", "defaultMode");
    keep("core.v1.ServiceAccountTokenProjection", "expirationSeconds");
    keep("core.v1.ConfigMapProjection", "optional");
    keep("core.v1.SecretProjection", "optional");
    keep("core.v1.ClusterTrustBundleProjection", "name", "signerName", "optional");
    keep("core.v1.ConfigMapKeySelector", "optional");
    keep("core.v1.SecretKeySelector", "optional");
    keep("core.v1.ConfigMapEnvSource", "optional");
    keep("core.v1.SecretEnvSource", "optional");
    keep("core.v1.CSIVolumeSource", "readOnly", "fsType");
    keep("core.v1.HostPathVolumeSource", "type");
    keep("core.v1.ISCSIVolumeSource", "initiatorName");
    keep("core.v1.PersistentVolumeClaimSpec", "storageClassName", "volumeMode",
        "volumeAttributesClassName");
    keep("core.v1.PersistentVolumeSpec", "volumeMode", "volumeAttributesClassName");
    keep("core.v1.TypedLocalObjectReference", "apiGroup");
    keep("core.v1.TypedObjectReference", "apiGroup", "namespace");
    // core/v1: other kinds
    keep("core.v1.ServiceSpec", "ipFamilyPolicy", "allocateLoadBalancerNodePorts",
        "loadBalancerClass", "internalTrafficPolicy", "trafficDistribution");
    keep("core.v1.ClientIPConfig", "timeoutSeconds");
    keep("core.v1.ServicePort", "port", "appProtocol");
    keep("core.v1.EndpointPort", "port", "appProtocol");
    keep("core.v1.EndpointAddress", "nodeName");
    keep("core.v1.LoadBalancerIngress", "ipMode");
    keep("core.v1.ServiceAccount", "automountServiceAccountToken");
    keep("core.v1.ConfigMap", "immutable");
    keep("core.v1.Secret", "immutable");
    keep("core.v1.ContainerStatus", "ready", "restartCount", "started");
    keep("core.v1.ContainerStateTerminated", "exitCode");

    // apps/v1
    keep("apps.v1.DeploymentSpec", "replicas", "revisionHistoryLimit", "progressDeadlineSeconds");
    keep("apps.v1.DeploymentStatus", "collisionCount");
    keep("apps.v1.ReplicaSetSpec", "replicas");
    keep("apps.v1.StatefulSetSpec", "replicas", "revisionHistoryLimit");
    keep("apps.v1.StatefulSetStatus", "collisionCount");
    keep("apps.v1.StatefulSetOrdinals", "start");
    keep("apps.v1.RollingUpdateStatefulSetStrategy", "partition");
    keep("apps.v1.DaemonSetSpec", "revisionHistoryLimit");
    keep("apps.v1.DaemonSetStatus", "collisionCount");
    keep("apps.v1.ControllerRevision", "revision");

    // batch/v1
    keep("batch.v1.JobSpec", "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished", "manualSelector",
        "completionMode", "suspend", "podReplacementPolicy", "managedBy");
    keep("batch.v1.JobStatus", "ready", "terminating", "failedIndexes");
    keep("batch.v1.SuccessPolicyRule", "succeededIndexes", "succeededCount");
    keep("batch.v1.PodFailurePolicyOnExitCodesRequirement", "containerName");
    keep("batch.v1.CronJobSpec", "timeZone", "startingDeadlineSeconds", "suspend",
        "successfulJobsHistoryLimit", "failedJobsHistoryLimit");

    // autoscaling
    keep("autoscaling.v1.HorizontalPodAutoscalerSpec", "minReplicas", "maxReplicas",
        "targetCPUUtilizationPercentage");
    keep("autoscaling.v1.HorizontalPodAutoscalerStatus", "observedGeneration",
        "currentCPUUtilizationPercentage", "currentReplicas", "desiredReplicas");
    keep("autoscaling.v2beta2.HorizontalPodAutoscalerSpec", "minReplicas", "maxReplicas");
    keep("autoscaling.v2beta2.HPAScalingRules", "stabilizationWindowSeconds", "selectPolicy");
    keep("autoscaling.v2beta2.MetricTarget", "averageUtilization");
    keep("autoscaling.v2beta2.MetricValueStatus", "averageUtilization");

    // policy/v1, networking.k8s.io/v1, scheduling.k8s.io/v1, storage.k8s.io/v1
    keep("policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy");
    keep("policy.v1.PodDisruptionBudgetStatus", "disruptionsAllowed", "currentHealthy",
        "desiredHealthy", "expectedPods");
    keep("networking.v1.IngressSpec", "ingressClassName");
    keep("networking.v1.HTTPIngressPath", "pathType");
    keep("networking.v1.NetworkPolicyPort", "protocol", "endPort");
    keep("networking.v1.IngressClassParametersReference", "apiGroup", "scope", "namespace");
    keep("networking.v1.IngressPortStatus", "error");
    keep("scheduling.v1.PriorityClass", "value", "preemptionPolicy");
    keep("storage.v1.StorageClass", "reclaimPolicy", "allowVolumeExpansion", "volumeBindingMode");
    keep("storage.v1.CSIDriverSpec", "attachRequired", "podInfoOnMount", "storageCapacity",
        "fsGroupPolicy", "requiresRepublish", "seLinuxMount");
    keep("storage.v1.VolumeAttachmentSource", "persistentVolumeName");
    keep("storage.v1.VolumeNodeResources", "count");

    // authentication.k8s.io/v1, authorization.k8s.io/v1, certificates.k8s.io/v1
    keep("authentication.v1.TokenRequestSpec", "expirationSeconds");
    keep("authentication.v1.TokenRequestStatus", "token");
    keep("authorization.v1.SubjectAccessReviewStatus", "allowed");
    keep("certificates.v1.CertificateSigningRequestSpec", "expirationSeconds");

    // Embedded structs: go-to-protobuf names the field after the Go type.
    for (String m : new String[] {"ConfigMapEnvSource", "ConfigMapKeySelector",
        "ConfigMapProjection", "ConfigMapVolumeSource", "SecretEnvSource", "SecretKeySelector",
        "SecretProjection"}) {
      inline("core.v1." + m, "localObjectReference");
    }
    inline("core.v1.Volume", "volumeSource");
    inline("core.v1.PersistentVolumeSpec", "persistentVolumeSource");
    inline("core.v1.Probe", "handler");
    inline("core.v1.EphemeralContainer", "ephemeralContainerCommon");
    inline("networking.v1.IngressRule", "ingressRuleValue");
    inline("admissionregistration.v1.RuleWithOperations", "rule");
    inline("admissionregistration.v1.NamedRuleWithOperations", "ruleWithOperations");
  }

  /** Whether Go writes this field's zero value (a pointer, or a field without omitempty). */
  static boolean keepsZero(FieldDescriptor field) {
    return KEEP_ZERO.contains(field.getFullName());
  }

  /** Whether the field is an embedded Go struct whose fields belong to the parent object. */
  static boolean isInline(FieldDescriptor field) {
    return INLINE.contains(field.getFullName());
  }
}
