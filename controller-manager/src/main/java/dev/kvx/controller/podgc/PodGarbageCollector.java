package dev.kvx.controller.podgc;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The pod garbage collector (upstream's {@code PodGCController}), run every 20 s: deletes the
 * oldest terminated pods beyond {@code terminatedPodThreshold} (upstream's
 * --terminated-pod-gc-threshold, 12500), pods bound to nodes that do not exist (checked again with
 * a fresh read, after a 40 s quarantine as upstream), and unscheduled pods already being deleted.
 */
public final class PodGarbageCollector implements Reconciler {
  public static final String NAME = "pod-garbage-collector-controller";
  static final String KEY = "podgc";
  static final Duration PERIOD = Duration.ofSeconds(20);
  static final Duration QUARANTINE = Duration.ofSeconds(40);
  public static final int DEFAULT_TERMINATED_POD_THRESHOLD = 12500;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "podgc", ctx -> new PodGarbageCollector(ctx, DEFAULT_TERMINATED_POD_THRESHOLD).controller);

  private final KubernetesClient client;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final dev.kvx.component.clock.Clock clock;
  private final int threshold;
  private final Controller controller;
  // Node name -> when it was first seen missing.
  private final java.util.Map<String, Instant> missingSince = new java.util.HashMap<>();

  PodGarbageCollector(ControllerContext ctx, int threshold) {
    this.client = ctx.client();
    this.pods = ctx.informers().listerFor(Pod.class);
    this.nodes = ctx.informers().listerFor(Node.class);
    this.clock = ctx.clock();
    this.threshold = threshold;
    this.controller = ctx.controller("podgc", this).build();
    controller.enqueueKey(KEY);
  }

  /** For tests: a collector with another threshold. */
  public static ControllerDescriptor withThreshold(int threshold) {
    return ControllerDescriptor.of(NAME, "podgc", ctx -> new PodGarbageCollector(ctx, threshold).controller);
  }

  @Override
  public Result reconcile(String key) {
    List<Pod> all = pods.list();
    gcTerminated(all);
    gcOrphaned(all);
    gcUnscheduledTerminating(all);
    return Result.requeueAfter(PERIOD);
  }

  private void gcTerminated(List<Pod> all) {
    List<Pod> terminated = all.stream().filter(Pods::isTerminated).filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    int excess = terminated.size() - threshold;
    if (threshold <= 0 || excess <= 0) {
      return;
    }
    terminated.stream()
        .sorted(Comparator.comparing((Pod p) -> created(p)).thenComparing(p -> p.getMetadata().getName()))
        .limit(excess)
        .forEach(this::forceDelete);
  }

  private void gcOrphaned(List<Pod> all) {
    Instant now = clock.now();
    java.util.Set<String> seenMissing = new java.util.HashSet<>();
    for (Pod p : all) {
      if (!Pods.isScheduled(p)) {
        continue;
      }
      String node = p.getSpec().getNodeName();
      if (nodes.get(node) != null) {
        continue;
      }
      seenMissing.add(node);
      Instant since = missingSince.computeIfAbsent(node, n -> now);
      if (Duration.between(since, now).compareTo(QUARANTINE) < 0) {
        continue;
      }
      if (client.nodes().withName(node).get() != null) {
        continue; // the cache lags; the node exists
      }
      forceDelete(p);
    }
    missingSince.keySet().retainAll(seenMissing);
  }

  private void gcUnscheduledTerminating(List<Pod> all) {
    for (Pod p : all) {
      if (!Pods.isScheduled(p) && p.getMetadata().getDeletionTimestamp() != null) {
        forceDelete(p);
      }
    }
  }

  private void forceDelete(Pod p) {
    try {
      client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
          .withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static Instant created(Pod p) {
    Instant t = Times.parse(p.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  public Controller controller() {
    return controller;
  }
}
