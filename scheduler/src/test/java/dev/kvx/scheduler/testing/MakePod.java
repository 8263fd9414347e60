package dev.kvx.scheduler.testing;

import dev.kvx.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSchedulingGateBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tiny pod builder for tests, like upstream's {@code st.MakePod()}. */
public final class MakePod {
  private final PodBuilder b = new PodBuilder();
  private final List<Container> containers = new ArrayList<>();
  private final List<Container> initContainers = new ArrayList<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private String name = "pod";
  private String namespace = "default";
  private String uid;
  private Affinity affinity;

  private MakePod() {
    b.withNewMetadata().endMetadata().withNewSpec().endSpec();
  }

  public static MakePod pod(String name) {
    return new MakePod().name(name);
  }

  public MakePod name(String name) {
    this.name = name;
    return this;
  }

  public MakePod namespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public MakePod uid(String uid) {
    this.uid = uid;
    return this;
  }

  public MakePod label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /** A container requesting {@code resources} (e.g. "cpu", "500m", "memory", "1Gi"). */
  public MakePod req(String... resources) {
    containers.add(container("c" + containers.size(), resources));
    return this;
  }

  /** A container with only limits (requests default to them). */
  public MakePod limitsOnly(String... resources) {
    containers.add(
        new ContainerBuilder()
            .withName("l" + containers.size())
            .withImage("busybox")
            .withResources(
                new ResourceRequirementsBuilder().withLimits(quantities(resources)).build())
            .build());
    return this;
  }

  public MakePod initReq(String... resources) {
    initContainers.add(container("i" + initContainers.size(), resources));
    return this;
  }

  /** A restartable (sidecar) init container. */
  public MakePod sidecarReq(String... resources) {
    Container c = container("s" + initContainers.size(), resources);
    c.setRestartPolicy("Always");
    initContainers.add(c);
    return this;
  }

  public MakePod overhead(String... resources) {
    b.editSpec().withOverhead(quantities(resources)).endSpec();
    return this;
  }

  public MakePod image(String image) {
    containers.add(
        new ContainerBuilder().withName("img" + containers.size()).withImage(image).build());
    return this;
  }

  public MakePod hostPort(String protocol, String hostIp, int port) {
    containers.add(
        new ContainerBuilder()
            .withName("p" + containers.size())
            .withImage("busybox")
            .withPorts(
                new ContainerPortBuilder()
                    .withContainerPort(port)
                    .withHostPort(port)
                    .withHostIP(hostIp)
                    .withProtocol(protocol)
                    .build())
            .build());
    return this;
  }

  public MakePod node(String nodeName) {
    b.editSpec().withNodeName(nodeName).endSpec();
    return this;
  }

  public MakePod priority(int priority) {
    b.editSpec().withPriority(priority).endSpec();
    return this;
  }

  public MakePod preemptionPolicy(String policy) {
    b.editSpec().withPreemptionPolicy(policy).endSpec();
    return this;
  }

  public MakePod priorityClassName(String name) {
    b.editSpec().withPriorityClassName(name).endSpec();
    return this;
  }

  public MakePod schedulerName(String name) {
    b.editSpec().withSchedulerName(name).endSpec();
    return this;
  }

  public MakePod nominatedNodeName(String node) {
    b.editOrNewStatus().withNominatedNodeName(node).endStatus();
    return this;
  }

  public MakePod startTime(String rfc3339) {
    b.editOrNewStatus().withStartTime(rfc3339).endStatus();
    return this;
  }

  public MakePod terminating() {
    b.editOrNewMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata();
    return this;
  }

  public MakePod schedulingGates(String... gates) {
    for (String g : gates) {
      b.editSpec()
          .addToSchedulingGates(new PodSchedulingGateBuilder().withName(g).build())
          .endSpec();
    }
    return this;
  }

  public MakePod nodeSelector(String key, String value) {
    b.editSpec().addToNodeSelector(key, value).endSpec();
    return this;
  }

  public MakePod toleration(String key, String operator, String value, String effect) {
    Toleration t =
        new TolerationBuilder()
            .withKey(key)
            .withOperator(operator)
            .withValue(value)
            .withEffect(effect)
            .build();
    b.editSpec().addToTolerations(t).endSpec();
    return this;
  }

  /** A required node affinity term with one expression (terms added separately are ORed). */
  public MakePod nodeAffinity(String key, String operator, String... values) {
    NodeAffinity na = nodeAffinity();
    if (na.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      na.setRequiredDuringSchedulingIgnoredDuringExecution(
          new io.fabric8.kubernetes.api.model.NodeSelector(new ArrayList<>()));
    }
    na.getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .add(
            new NodeSelectorTermBuilder()
                .withMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey(key)
                        .withOperator(operator)
                        .withValues(values)
                        .build())
                .build());
    return this;
  }

  /** A required node affinity term on {@code metadata.name}. */
  public MakePod nodeAffinityField(String operator, String... nodeNames) {
    NodeAffinity na = nodeAffinity();
    if (na.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      na.setRequiredDuringSchedulingIgnoredDuringExecution(
          new io.fabric8.kubernetes.api.model.NodeSelector(new ArrayList<>()));
    }
    na.getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .add(
            new NodeSelectorTermBuilder()
                .withMatchFields(
                    new NodeSelectorRequirementBuilder()
                        .withKey("metadata.name")
                        .withOperator(operator)
                        .withValues(nodeNames)
                        .build())
                .build());
    return this;
  }

  public MakePod preferredNodeAffinity(int weight, String key, String operator, String... values) {
    nodeAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()
        .add(
            new PreferredSchedulingTermBuilder()
                .withWeight(weight)
                .withNewPreference()
                .withMatchExpressions(
                    new NodeSelectorRequirementBuilder()
                        .withKey(key)
                        .withOperator(operator)
                        .withValues(values)
                        .build())
                .endPreference()
                .build());
    return this;
  }

  public MakePod podAffinity(String topologyKey, String labelKey, String labelValue) {
    podAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .add(
            new PodAffinityTermBuilder()
                .withTopologyKey(topologyKey)
                .withLabelSelector(selector(labelKey, labelValue))
                .build());
    return this;
  }

  public MakePod podAntiAffinity(String topologyKey, String labelKey, String labelValue) {
    podAntiAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .add(
            new PodAffinityTermBuilder()
                .withTopologyKey(topologyKey)
                .withLabelSelector(selector(labelKey, labelValue))
                .build());
    return this;
  }

  public MakePod preferredPodAffinity(
      int weight, String topologyKey, String labelKey, String labelValue) {
    podAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()
        .add(
            new WeightedPodAffinityTermBuilder()
                .withWeight(weight)
                .withNewPodAffinityTerm()
                .withTopologyKey(topologyKey)
                .withLabelSelector(selector(labelKey, labelValue))
                .endPodAffinityTerm()
                .build());
    return this;
  }

  public MakePod preferredPodAntiAffinity(
      int weight, String topologyKey, String labelKey, String labelValue) {
    podAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()
        .add(
            new WeightedPodAffinityTermBuilder()
                .withWeight(weight)
                .withNewPodAffinityTerm()
                .withTopologyKey(topologyKey)
                .withLabelSelector(selector(labelKey, labelValue))
                .endPodAffinityTerm()
                .build());
    return this;
  }

  /** A spread constraint selecting pods with {@code labelKey} (Exists). */
  public MakePod spreadConstraint(
      int maxSkew,
      String topologyKey,
      String whenUnsatisfiable,
      String labelKey,
      Integer minDomains) {
    b.editSpec()
        .addToTopologySpreadConstraints(
            new TopologySpreadConstraintBuilder()
                .withMaxSkew(maxSkew)
                .withTopologyKey(topologyKey)
                .withWhenUnsatisfiable(whenUnsatisfiable)
                .withMinDomains(minDomains)
                .withNewLabelSelector()
                .addNewMatchExpression()
                .withKey(labelKey)
                .withOperator("Exists")
                .endMatchExpression()
                .endLabelSelector()
                .build())
        .endSpec();
    return this;
  }

  /** A spread constraint selecting pods labelled {@code labelKey=labelValue} (matchLabels). */
  public MakePod spreadConstraintMatching(
      int maxSkew,
      String topologyKey,
      String whenUnsatisfiable,
      String labelKey,
      String labelValue) {
    b.editSpec()
        .addToTopologySpreadConstraints(
            new TopologySpreadConstraintBuilder()
                .withMaxSkew(maxSkew)
                .withTopologyKey(topologyKey)
                .withWhenUnsatisfiable(whenUnsatisfiable)
                .withNewLabelSelector()
                .addToMatchLabels(labelKey, labelValue)
                .endLabelSelector()
                .build())
        .endSpec();
    return this;
  }

  public Pod obj() {
    Pod pod = b.build();
    pod.getMetadata().setName(name);
    pod.getMetadata().setNamespace(namespace);
    pod.getMetadata().setUid(uid != null ? uid : namespace + "-" + name + "-uid");
    if (!labels.isEmpty()) {
      pod.getMetadata().setLabels(new LinkedHashMap<>(labels));
    }
    List<Container> cs = new ArrayList<>(containers);
    if (cs.isEmpty()) {
      cs.add(new ContainerBuilder().withName("c").withImage("busybox").build());
    }
    pod.getSpec().setContainers(cs);
    if (!initContainers.isEmpty()) {
      pod.getSpec().setInitContainers(new ArrayList<>(initContainers));
    }
    if (affinity != null) {
      pod.getSpec().setAffinity(affinity);
    }
    return pod;
  }

  public PodInfo info() {
    return PodInfo.of(obj());
  }

  private Affinity affinity() {
    if (affinity == null) {
      affinity = new Affinity();
    }
    return affinity;
  }

  private NodeAffinity nodeAffinity() {
    if (affinity().getNodeAffinity() == null) {
      NodeAffinity na = new NodeAffinity();
      na.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
      affinity.setNodeAffinity(na);
    }
    return affinity.getNodeAffinity();
  }

  private PodAffinity podAffinity() {
    if (affinity().getPodAffinity() == null) {
      PodAffinity pa = new PodAffinity();
      pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
      pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
      affinity.setPodAffinity(pa);
    }
    return affinity.getPodAffinity();
  }

  private PodAntiAffinity podAntiAffinity() {
    if (affinity().getPodAntiAffinity() == null) {
      PodAntiAffinity pa = new PodAntiAffinity();
      pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
      pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
      affinity.setPodAntiAffinity(pa);
    }
    return affinity.getPodAntiAffinity();
  }

  private static LabelSelector selector(String key, String value) {
    return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
  }

  private static Container container(String name, String... resources) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("busybox")
        .withResources(
            new ResourceRequirementsBuilder().withRequests(quantities(resources)).build())
        .build();
  }

  static Map<String, Quantity> quantities(String... kv) {
    Map<String, Quantity> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], new Quantity(kv[i + 1]));
    }
    return m;
  }
}
