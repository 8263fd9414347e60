package dev.kvx.controller.nodelifecycle;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.Times;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node lifecycle controller (upstream's {@code nodelifecycle} with its NoExecute taint
 * manager), per node: a node that renews neither its Lease (in kube-node-lease) nor its Ready
 * heartbeat for the grace period ({@code --node-monitor-grace-period}, 50 s by default), counted
 * from when this controller saw the last renewal, gets its conditions set to Unknown, its pods
 * marked not ready, and the {@code node.kubernetes.io/unreachable} taints
 * (NoSchedule and NoExecute); a node reporting Ready=False gets the {@code not-ready} ones; both go
 * when it is Ready again. Pods on a node with NoExecute taints are deleted at once when they do
 * not tolerate them, or after their tolerationSeconds. Each node is looked at again every monitor
 * period ({@code --node-monitor-period}, 5 s by default) or when its next deadline passes, so a
 * silent node is marked Unknown when its grace period runs out, not up to a period later.
 */
public final class NodeLifecycleController implements Reconciler {
  public static final String NAME = "node-lifecycle-controller";
  public static final String COMPONENT = "node-controller";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final Set<String> OWN_TAINTS = Set.of(UNREACHABLE, NOT_READY);
  private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "nodelifecycle", ctx -> new NodeLifecycleController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<Node> nodes;
  private final Lister<Lease> leases;
  private final Lister<Pod> pods;
  private final Clock clock;
  private final Duration gracePeriod;
  private final Duration monitorPeriod;
  private final EventRecorder events;
  private final Controller controller;
  // Node name -> its newest heartbeat and when this controller first saw it (upstream's
  // nodeHealthMap). Workers never share a key, so each entry has one writer at a time.
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();

  private record Probe(Instant heartbeat, Instant at) {}

  NodeLifecycleController(ControllerContext ctx) {
    this.client = ctx.client();
    this.clock = ctx.clock();
    this.gracePeriod = ctx.nodeMonitorGracePeriod();
    this.monitorPeriod = ctx.nodeMonitorPeriod();
    this.events = ctx.recorder(COMPONENT);
    var nodeInformer = ctx.informers().informerFor(Node.class);
    var leaseInformer = ctx.informers().informerFor(Lease.class);
    var podInformer = ctx.informers().informerFor(Pod.class);
    this.nodes = new Lister<>(nodeInformer.getIndexer());
    this.leases = new Lister<>(leaseInformer.getIndexer());
    this.pods = new Lister<>(podInformer.getIndexer());
    this.controller = ctx.controller("node_lifecycle", this).workers(2).build();
    nodeInformer.addEventHandler(controller.enqueueHandler());
    leaseInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Lease l) {
        onUpdate(null, l);
      }

      @Override
      public void onUpdate(Lease old, Lease l) {
        if (LEASE_NAMESPACE.equals(l.getMetadata().getNamespace())) {
          controller.enqueueKey(l.getMetadata().getName());
        }
      }

      @Override
      public void onDelete(Lease l, boolean unknown) {}
    });
    // A pod bound to a tainted node must be looked at for eviction.
    podInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod p) {
        if (Pods.isScheduled(p)) {
          controller.enqueueKey(p.getSpec().getNodeName());
        }
      }

      @Override
      public void onUpdate(Pod old, Pod p) {
        if (Pods.isScheduled(p) && !Pods.isScheduled(old)) {
          controller.enqueueKey(p.getSpec().getNodeName());
        }
      }

      @Override
      public void onDelete(Pod p, boolean unknown) {}
    });
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public Result reconcile(String name) {
    Node cached = nodes.get(name);
    if (cached == null) {
      probes.remove(name);
      return Result.DONE;
    }
    Instant now = clock.now();
    Node node = JSON.clone(cached);
    NodeCondition ready = condition(node, "Ready");
    Instant probed = probeTimestamp(node, ready, now);
    Duration next = monitorPeriod;
    if (probed == null || !now.isBefore(probed.plus(gracePeriod))) {
      if (ready == null || !"Unknown".equals(ready.getStatus())) {
        node = markUnknown(node, ready == null, now);
        markPodsNotReady(name);
        events.eventf(node, EventRecorder.NORMAL, "NodeNotReady", "Node %s status is now: NodeNotReady", name);
      }
    } else {
      next = min(next, Duration.between(now, probed.plus(gracePeriod)));
    }
    ready = condition(node, "Ready");
    node = reconcileTaints(node, ready, now);
    Duration eviction = evictPods(node, now);
    if (eviction != null) {
      next = min(next, eviction);
    }
    return Result.requeueAfter(next.isNegative() || next.isZero() ? Duration.ofMillis(100) : next);
  }

  /**
   * When this controller last saw the node show a sign of life (upstream's probeTimestamp): the
   * grace period runs from then, on the controller's clock, not from the kubelet's own timestamps.
   * A node seen for the first time counts as seen now (upstream: "Missing timestamp for Node,
   * assuming now"), so a controller that starts — or starts a new term after the API server was
   * away and no kubelet could renew — gives every node a full grace period to report again; a node
   * that never reported at all counts from its creation.
   */
  private Instant probeTimestamp(Node node, NodeCondition ready, Instant now) {
    Instant heartbeat = lastHeartbeat(node, ready);
    if (heartbeat == null) {
      // Never reported: its creation is the only sign of life there is.
      return Times.parse(node.getMetadata().getCreationTimestamp());
    }
    return probes.compute(node.getMetadata().getName(), (name, seen) ->
        seen != null && !heartbeat.isAfter(seen.heartbeat()) ? seen : new Probe(heartbeat, now))
        .at();
  }

  /** The newest of the Ready condition's heartbeat and the Lease's renewTime, or null. */
  private Instant lastHeartbeat(Node node, NodeCondition ready) {
    Instant t = ready == null ? null : Times.parse(ready.getLastHeartbeatTime());
    Lease lease = leases.namespace(LEASE_NAMESPACE).get(node.getMetadata().getName());
    if (lease != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
      Instant renew = lease.getSpec().getRenewTime().toInstant();
      if (renew != null && (t == null || renew.isAfter(t))) {
        t = renew;
      }
    }
    return t;
  }

  private Node markUnknown(Node node, boolean neverReported, Instant now) {
    String ts = Times.format(now);
    List<NodeCondition> conditions = new ArrayList<>(node.getStatus() == null || node.getStatus().getConditions() == null
        ? List.of() : node.getStatus().getConditions());
    for (String type : CONDITIONS) {
      NodeCondition old = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
      NodeCondition c = new NodeConditionBuilder().withType(type).withStatus("Unknown")
          .withReason(old == null ? "NodeStatusNeverUpdated" : "NodeStatusUnknown")
          .withMessage(old == null ? "Kubelet never posted node status." : "Kubelet stopped posting node status.")
          .withLastHeartbeatTime(old == null ? null : old.getLastHeartbeatTime())
          .withLastTransitionTime(ts).build();
      if (old == null) {
        conditions.add(c);
      } else {
        conditions.set(conditions.indexOf(old), c);
      }
    }
    if (node.getStatus() == null) {
      node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
    }
    node.getStatus().setConditions(conditions);
    try {
      return client.nodes().resource(node).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return node;
      }
      throw e;
    }
  }

  private void markPodsNotReady(String nodeName) {
    for (Pod p : podsOn(nodeName)) {
      if (!Pods.isReady(p) || Pods.isTerminated(p)) {
        continue;
      }
      Pod copy = JSON.clone(p);
      List<PodCondition> conditions = new ArrayList<>(copy.getStatus().getConditions());
      conditions.replaceAll(c -> "Ready".equals(c.getType())
          ? new PodConditionBuilder(c).withStatus("False").withLastTransitionTime(Times.format(clock.now())).build()
          : c);
      copy.getStatus().setConditions(conditions);
      try {
        client.pods().resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 && e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  /** The unreachable/not-ready taints the Ready condition calls for, written when they differ. */
  private Node reconcileTaints(Node node, NodeCondition ready, Instant now) {
    String wantKey = ready == null || "Unknown".equals(ready.getStatus()) ? UNREACHABLE
        : "False".equals(ready.getStatus()) ? NOT_READY : null;
    List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    List<Taint> desired = new ArrayList<>();
    for (Taint t : current) {
      if (!OWN_TAINTS.contains(t.getKey()) || t.getKey().equals(wantKey)) {
        desired.add(t);
      }
    }
    if (wantKey != null) {
      for (String effect : List.of("NoSchedule", "NoExecute")) {
        if (desired.stream().noneMatch(t -> wantKey.equals(t.getKey()) && effect.equals(t.getEffect()))) {
          desired.add(new TaintBuilder().withKey(wantKey).withEffect(effect)
              .withTimeAdded("NoExecute".equals(effect) ? Times.format(now) : null).build());
        }
      }
    }
    if (desired.equals(current)) {
      return node;
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("resourceVersion", node.getMetadata().getResourceVersion());
    String patch = JSON.asJson(Map.of("metadata", meta, "spec", Map.of("taints", desired)));
    return client.nodes().withName(node.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** Deletes pods whose toleration of the node's NoExecute taints ran out; returns the next due time. */
  private Duration evictPods(Node node, Instant now) {
    List<Taint> noExecute = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints().stream().filter(t -> "NoExecute".equals(t.getEffect())).toList();
    if (noExecute.isEmpty()) {
      return null;
    }
    Instant taintedAt = noExecute.stream().map(t -> Times.parse(t.getTimeAdded())).filter(Objects::nonNull)
        .max(Instant::compareTo).orElse(now);
    Duration next = null;
    for (Pod p : podsOn(node.getMetadata().getName())) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      long seconds = Taints.minTolerationSeconds(p.getSpec().getTolerations(), noExecute);
      if (seconds < 0) {
        continue; // tolerated forever
      }
      Instant due = taintedAt.plusSeconds(seconds);
      if (now.isBefore(due)) {
        next = min(next, Duration.between(now, due));
        continue;
      }
      events.eventf(p, EventRecorder.NORMAL, "TaintManagerEviction", "Marking for deletion Pod %s/%s",
          p.getMetadata().getNamespace(), p.getMetadata().getName());
      try {
        client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName()).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return next;
  }

  private List<Pod> podsOn(String nodeName) {
    return pods.list().stream().filter(p -> nodeName.equals(p.getSpec().getNodeName())).toList();
  }

  private static NodeCondition condition(Node node, String type) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return null;
    }
    return node.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static Duration min(Duration a, Duration b) {
    return a == null ? b : (b == null || a.compareTo(b) <= 0 ? a : b);
  }
}
