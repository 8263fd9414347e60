package dev.kvx.controller.daemonset;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.IntOrPercent;
import dev.kvx.controller.common.PodControl;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.TemplateHash;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Syncs one DaemonSet (upstream's {@code syncDaemonSet}): one pod per eligible node, bound to it
 * through required node affinity on {@code metadata.name} as upstream does (the scheduler binds
 * it); extra, misplaced and failed pods go; a RollingUpdate replaces pods whose {@code
 * controller-revision-hash} is not the template's, at most maxUnavailable at a time; the status
 * counts are written.
 */
final class DaemonSetReconciler implements Reconciler {
  static final String REVISION_HASH = "controller-revision-hash";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Lister<DaemonSet> daemonSets;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final Expectations expectations;
  private final PodControl podControl;
  private final Clock clock;

  DaemonSetReconciler(KubernetesClient client, Lister<DaemonSet> daemonSets, Lister<Pod> pods, Lister<Node> nodes,
      Expectations expectations, PodControl podControl, Clock clock) {
    this.client = client;
    this.daemonSets = daemonSets;
    this.pods = pods;
    this.nodes = nodes;
    this.expectations = expectations;
    this.podControl = podControl;
    this.clock = clock;
  }

  /** The node a daemon pod is for: its nodeName, else its required metadata.name affinity. */
  static String targetNode(Pod p) {
    if (Pods.isScheduled(p)) {
      return p.getSpec().getNodeName();
    }
    var a = p.getSpec().getAffinity();
    if (a == null || a.getNodeAffinity() == null || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return null;
    }
    for (var term : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
      if (term.getMatchFields() != null) {
        for (NodeSelectorRequirement r : term.getMatchFields()) {
          if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null && r.getValues().size() == 1) {
            return r.getValues().get(0);
          }
        }
      }
    }
    return null;
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Keys.NamespacedName nn = Keys.split(key);
    DaemonSet ds = daemonSets.namespace(nn.namespace()).get(nn.name());
    if (ds == null) {
      expectations.delete(key);
      return Result.DONE;
    }
    String hash = TemplateHash.compute(ds.getSpec().getTemplate(), ds.getStatus() == null ? null : ds.getStatus().getCollisionCount());
    Map<String, List<Pod>> byNode = new HashMap<>();
    for (Pod p : pods.namespace(nn.namespace()).list()) {
      if (Owners.isControlledBy(p, ds) && p.getMetadata().getDeletionTimestamp() == null) {
        String node = targetNode(p);
        if (node != null) {
          byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(p);
        }
      }
    }
    List<Node> all = nodes.list();
    List<String> toCreate = new ArrayList<>();
    List<Pod> toDelete = new ArrayList<>();
    for (Node node : all) {
      String name = node.getMetadata().getName();
      List<Pod> here = byNode.getOrDefault(name, List.of());
      boolean deleting = node.getMetadata().getDeletionTimestamp() != null;
      PodSpec spec = ds.getSpec().getTemplate().getSpec();
      boolean shouldRun = !deleting && NodeEligibility.shouldRun(node, spec);
      if (!deleting && !shouldRun && NodeEligibility.shouldContinueRunning(node, spec)) {
        // e.g. an unreachable node: no new pod, but the one there stays (upstream).
        toDelete.addAll(failedOrDuplicates(here));
        continue;
      }
      if (!shouldRun) {
        toDelete.addAll(here);
        continue;
      }
      toDelete.addAll(failedOrDuplicates(here));
      if (here.stream().allMatch(DaemonSetReconciler::failed)) {
        toCreate.add(name);
      }
    }
    // Pods for nodes that no longer exist.
    byNode.forEach((node, ps) -> {
      if (nodes.get(node) == null) {
        toDelete.addAll(ps);
      }
    });
    Exception error = null;
    if (expectations.satisfied(key)) {
      try {
        toDelete.addAll(rollingUpdateVictims(ds, hash, all, byNode, toDelete));
        manage(key, ds, hash, toCreate, toDelete);
      } catch (Exception e) {
        error = e;
      }
    }
    updateStatus(ds, status(ds, hash, all, byNode));
    if (error != null) {
      throw error;
    }
    return Result.DONE;
  }

  private static boolean failed(Pod p) {
    return "Failed".equals(Pods.phase(p));
  }

  /** The pods of one node to delete: failed ones (upstream replaces them) and duplicates. */
  private static List<Pod> failedOrDuplicates(List<Pod> here) {
    List<Pod> out = new ArrayList<>();
    List<Pod> alive = new ArrayList<>();
    for (Pod p : here) {
      (failed(p) ? out : alive).add(p);
    }
    if (alive.size() > 1) {
      // Keep the oldest; the others are duplicates.
      alive.sort((a, b) -> String.valueOf(a.getMetadata().getCreationTimestamp()).compareTo(String.valueOf(b.getMetadata().getCreationTimestamp())));
      out.addAll(alive.subList(1, alive.size()));
    }
    return out;
  }

  // Old pods to replace now: unavailable ones first, then available ones up to maxUnavailable.
  private List<Pod> rollingUpdateVictims(DaemonSet ds, String hash, List<Node> all, Map<String, List<Pod>> byNode, List<Pod> already) {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return List.of();
    }
    int desired = (int) all.stream().filter(n -> NodeEligibility.shouldRun(n, ds.getSpec().getTemplate().getSpec())).count();
    var maxUnavailableValue = strategy == null || strategy.getRollingUpdate() == null ? null : strategy.getRollingUpdate().getMaxUnavailable();
    int maxUnavailable = IntOrPercent.scaled(maxUnavailableValue, desired, true, 1);
    int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    Instant now = clock.now();
    int unavailable = 0;
    List<Pod> oldAvailable = new ArrayList<>();
    List<Pod> victims = new ArrayList<>();
    for (Node n : all) {
      List<Pod> here = byNode.getOrDefault(n.getMetadata().getName(), List.of()).stream().filter(p -> !already.contains(p)).toList();
      if (!NodeEligibility.shouldRun(n, ds.getSpec().getTemplate().getSpec())) {
        continue;
      }
      if (here.isEmpty()) {
        unavailable++;
        continue;
      }
      Pod p = here.get(0);
      boolean available = Pods.isAvailable(p, minReady, now);
      boolean old = !hash.equals(p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(REVISION_HASH));
      if (old && !available) {
        victims.add(p);
        unavailable++;
      } else if (!available) {
        unavailable++;
      } else if (old) {
        oldAvailable.add(p);
      }
    }
    for (Pod p : oldAvailable) {
      if (unavailable >= maxUnavailable) {
        break;
      }
      victims.add(p);
      unavailable++;
    }
    return victims;
  }

  private void manage(String key, DaemonSet ds, String hash, List<String> toCreate, List<Pod> toDelete) throws Exception {
    // A node whose pod is being replaced gets its new pod on the next sync, after the deletion.
    podControl.deletePods(expectations, key, toDelete.stream().distinct().toList(), ds);
    podControl.createPods(expectations, key, toCreate.size(), i -> podFor(ds, hash, toCreate.get(i)), ds);
  }

  /** The daemon pod for {@code node}: required affinity to that node and the daemon tolerations. */
  static Pod podFor(DaemonSet ds, String hash, String node) {
    Pod pod = PodControl.podFromTemplate(ds.getSpec().getTemplate(), ds, null);
    Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels());
    labels.put(REVISION_HASH, hash);
    pod.getMetadata().setLabels(labels);
    var spec = pod.getSpec();
    spec.setTolerations(NodeEligibility.withDaemonTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork())));
    var term = new NodeSelectorTermBuilder().withMatchFields(new NodeSelectorRequirementBuilder()
        .withKey("metadata.name").withOperator("In").withValues(node).build()).build();
    if (spec.getAffinity() == null) {
      spec.setAffinity(new io.fabric8.kubernetes.api.model.Affinity());
    }
    if (spec.getAffinity().getNodeAffinity() == null) {
      spec.getAffinity().setNodeAffinity(new io.fabric8.kubernetes.api.model.NodeAffinity());
    }
    spec.getAffinity().getNodeAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(
        new io.fabric8.kubernetes.api.model.NodeSelectorBuilder().withNodeSelectorTerms(term).build());
    return pod;
  }

  private DaemonSetStatus status(DaemonSet ds, String hash, List<Node> all, Map<String, List<Pod>> byNode) {
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    int minReady = ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    Instant now = clock.now();
    for (Node n : all) {
      List<Pod> here = byNode.getOrDefault(n.getMetadata().getName(), List.of());
      boolean shouldRun = NodeEligibility.shouldRun(n, ds.getSpec().getTemplate().getSpec());
      if (shouldRun) {
        desired++;
        if (!here.isEmpty()) {
          current++;
          Pod p = here.get(0);
          if (Pods.isReady(p)) {
            ready++;
            if (Pods.isAvailable(p, minReady, now)) {
              available++;
            }
          }
          if (here.stream().anyMatch(x -> x.getMetadata().getLabels() != null && hash.equals(x.getMetadata().getLabels().get(REVISION_HASH)))) {
            updated++;
          }
        }
      } else if (!here.isEmpty()) {
        misscheduled++;
      }
    }
    return new DaemonSetStatusBuilder()
        .withDesiredNumberScheduled(desired)
        .withCurrentNumberScheduled(current)
        .withNumberMisscheduled(misscheduled)
        .withNumberReady(ready)
        .withNumberAvailable(available)
        .withNumberUnavailable(desired - available)
        .withUpdatedNumberScheduled(updated)
        .withObservedGeneration(ds.getMetadata().getGeneration())
        .withCollisionCount(ds.getStatus() == null ? null : ds.getStatus().getCollisionCount())
        .withConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions())
        .build();
  }

  private void updateStatus(DaemonSet ds, DaemonSetStatus status) {
    if (Objects.equals(status, ds.getStatus())) {
      return;
    }
    DaemonSet copy = JSON.clone(ds);
    copy.setStatus(status);
    try {
      client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
