package dev.kvx.kubelet.nodestatus;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.KubeTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node and keeps its status current, as the kubelet's node status manager: the status
 * is recomputed each update period and posted through {@code nodes/NAME/status} when it changed, or
 * when the report frequency has passed since the last post (the Lease is the frequent heartbeat).
 * Conditions keep their transition times while their status holds.
 *
 * <p>Blocking (API calls): run it on a heartbeat thread. Not thread-safe: one thread drives it.
 */
public final class NodeStatusManager {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStatusManager.class);

  private final KubernetesClient client;
  private final NodeSettings settings;
  private final NodeHealth health;
  private final Clock clock;
  private final Duration reportFrequency;
  private Node posted;
  private Instant lastReport;

  public NodeStatusManager(
      KubernetesClient client,
      NodeSettings settings,
      NodeHealth health,
      Clock clock,
      Duration reportFrequency) {
    this.client = client;
    this.settings = settings;
    this.health = health;
    this.clock = clock;
    this.reportFrequency = reportFrequency;
  }

  /**
   * Creates the Node with its status (the API server keeps a Node's status on create), or adopts
   * the existing one: adds our labels and posts the status. Returns the Node as stored.
   */
  public Node register() {
    Instant now = clock.now();
    NodeStatus initial = status(List.of(), now);
    initial.setConditions(conditions(List.of(), now));
    Node desired =
        new NodeBuilder()
            .withNewMetadata()
            .withName(settings.name())
            .withLabels(labels())
            .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
            .endMetadata()
            .withNewSpec()
            .withPodCIDR(settings.podCidr())
            .withPodCIDRs(settings.podCidr() == null ? null : List.of(settings.podCidr()))
            .endSpec()
            .withStatus(initial)
            .build();
    Node node;
    try {
      node = client.nodes().resource(desired).create();
      LOG.info("Successfully registered node {}", settings.name());
      posted = node;
      lastReport = now;
      if (node.getStatus() != null
          && node.getStatus().getConditions() != null
          && !node.getStatus().getConditions().isEmpty()) {
        return node;
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // Already registered (an agent restart): make sure it carries our labels.
      Map<String, Object> patch = Map.of("metadata", Map.of("labels", labels()));
      node =
          client
              .nodes()
              .withName(settings.name())
              .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
      LOG.info("Node {} was already registered", settings.name());
    }
    posted = node;
    post(clock.now());
    return posted;
  }

  /** The registered Node as last posted (null before {@link #register()}). */
  public Node node() {
    return posted;
  }

  /** Recomputes the status and posts it if it changed or the report frequency has passed. */
  public void update() {
    Instant now = clock.now();
    NodeStatus current = posted.getStatus() == null ? new NodeStatus() : posted.getStatus();
    List<NodeCondition> previous =
        current.getConditions() == null ? List.of() : current.getConditions();
    List<NodeCondition> next = conditions(previous, now);
    NodeStatus desired = status(previous, now);
    boolean changed =
        NodeConditions.changed(previous, next)
            || !Objects.equals(desired.getAddresses(), current.getAddresses())
            || !Objects.equals(desired.getCapacity(), current.getCapacity())
            || !Objects.equals(desired.getAllocatable(), current.getAllocatable())
            || !Objects.equals(desired.getNodeInfo(), current.getNodeInfo())
            || !Objects.equals(desired.getDaemonEndpoints(), current.getDaemonEndpoints());
    if (changed || lastReport == null || !now.isBefore(lastReport.plus(reportFrequency))) {
      post(now);
    }
  }

  private void post(Instant now) {
    List<NodeCondition> previous =
        posted.getStatus() == null || posted.getStatus().getConditions() == null
            ? List.of()
            : posted.getStatus().getConditions();
    NodeStatus status = status(previous, now);
    status.setConditions(conditions(previous, now));
    posted =
        client
            .nodes()
            .withName(settings.name())
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of("status", status)));
    lastReport = now;
  }

  private List<NodeCondition> conditions(List<NodeCondition> previous, Instant now) {
    return NodeConditions.compute(
        previous,
        health.memoryPressure(),
        health.diskPressure(),
        health.pidPressure(),
        health.runtimeProblem(),
        now);
  }

  private Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    MachineInfo m = settings.machine();
    labels.put("beta.kubernetes.io/arch", m.architecture());
    labels.put("beta.kubernetes.io/os", m.operatingSystem());
    labels.put("kubernetes.io/arch", m.architecture());
    labels.put("kubernetes.io/hostname", settings.name());
    labels.put("kubernetes.io/os", m.operatingSystem());
    labels.putAll(settings.labels());
    return labels;
  }

  /** Everything the agent reports except the conditions (which are {@code conditions}). */
  NodeStatus status(List<NodeCondition> conditions, Instant now) {
    MachineInfo m = settings.machine();
    return new NodeStatusBuilder()
        .withCapacity(quantities(settings.capacity()))
        .withAllocatable(quantities(settings.allocatable()))
        .withConditions(conditions)
        .withAddresses(
            new NodeAddress(settings.internalIp(), "InternalIP"),
            new NodeAddress(settings.hostname(), "Hostname"))
        .withNewDaemonEndpoints()
        .withNewKubeletEndpoint()
        .withPort(settings.kubeletPort())
        .endKubeletEndpoint()
        .endDaemonEndpoints()
        .withNewNodeInfo()
        .withArchitecture(m.architecture())
        .withBootID(m.bootId())
        .withContainerRuntimeVersion(settings.runtimeVersion().toString())
        .withKernelVersion(m.kernelVersion())
        .withKubeletVersion(NodeSettings.KUBELET_VERSION)
        .withKubeProxyVersion("")
        .withMachineID(m.machineId())
        .withOperatingSystem(m.operatingSystem())
        .withOsImage(m.osImage())
        .withSystemUUID(m.systemUuid())
        .endNodeInfo()
        .build();
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, new Quantity(v)));
    return out;
  }

  private String json(Object o) {
    return client.getKubernetesSerialization().asJson(o);
  }

  /** For logs. */
  @Override
  public String toString() {
    return "NodeStatusManager("
        + settings.name()
        + ", last report "
        + KubeTime.format(lastReport)
        + ")";
  }
}
