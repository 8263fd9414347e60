package dev.kvx.scheduler.plugins.defaultpreemption;

import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Diagnosis;
import dev.kvx.scheduler.framework.FitError;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.NodeToStatus;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PostFilterPlugin;
import dev.kvx.scheduler.framework.PostFilterResult;
import dev.kvx.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DefaultPreemption (PostFilter): when no node fits, find nodes where evicting pods of lower
 * priority would make the pod fit, evicting as few and as unimportant pods as possible; pick the
 * best such node, evict its victims, and nominate the pod to it ({@code status.nominatedNodeName})
 * so that it is scheduled there once the victims are gone.
 *
 * <p>As upstream: victims are chosen per node by removing every lower-priority pod, checking the
 * filters, then reprieving pods from the most important down while the pod still fits. Not
 * modelled: PodDisruptionBudgets (every victim counts as non-violating) and extenders.
 */
public final class DefaultPreemption implements PostFilterPlugin {
  public static final String NAME = "DefaultPreemption";

  /** Upstream's defaults for how many candidate nodes a dry run looks for. */
  static final int MIN_CANDIDATE_NODES_PERCENTAGE = 10;

  static final int MIN_CANDIDATE_NODES_ABSOLUTE = 100;
  static final String NO_VICTIMS = "No preemption victims found for incoming pod";
  static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
  static final String REASON_PREEMPTION_POLICY_NEVER =
      "not eligible due to preemptionPolicy=Never.";
  static final String REASON_TERMINATING_POD =
      "not eligible due to a terminating pod on the nominated node.";

  private static final Logger LOG = LoggerFactory.getLogger(DefaultPreemption.class);

  private final Handle handle;

  private DefaultPreemption(Handle handle) {
    this.handle = handle;
  }

  public static Plugin create(Handle handle) {
    return new DefaultPreemption(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A node where preemption would work, and whom it would evict (most important first). */
  record Candidate(String nodeName, List<PodInfo> victims) {}

  @Override
  public PostFilterResult postFilter(
      CycleState state, PodInfo pod, NodeToStatus filteredNodeStatus) {
    PostFilterResult r = preempt(state, pod, filteredNodeStatus);
    String msg = r.status().message();
    if (!msg.isEmpty()) {
      return new PostFilterResult(
          Status.of(r.status().code(), "preemption: " + msg), r.nominatedNodeName());
    }
    return r;
  }

  PostFilterResult preempt(CycleState state, PodInfo pod, NodeToStatus m) {
    String nominated =
        pod.pod().getStatus() == null ? null : pod.pod().getStatus().getNominatedNodeName();
    String notEligible =
        podEligibleToPreemptOthers(
            pod, nominated, nominated == null || nominated.isEmpty() ? null : m.get(nominated));
    if (notEligible != null) {
      return PostFilterResult.of(Status.unschedulable(notEligible));
    }
    List<NodeInfo> allNodes = handle.snapshot().list();
    List<NodeInfo> potential = new ArrayList<>();
    for (NodeInfo n : allNodes) {
      if (m.get(n.name()).code() != Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        potential.add(n);
      }
    }
    NodeToStatus nodeStatuses = new NodeToStatus();
    nodeStatuses.setAbsentNodesStatus(Status.unschedulableAndUnresolvable(NOT_HELPFUL));
    List<Candidate> candidates =
        potential.isEmpty() ? List.of() : dryRunPreemption(state, pod, potential, nodeStatuses);
    if (candidates.isEmpty()) {
      Diagnosis d = new Diagnosis();
      nodeStatuses.entries().forEach(d.nodeToStatus()::set);
      d.nodeToStatus().setAbsentNodesStatus(nodeStatuses.absentNodesStatus());
      String message = new FitError(pod, allNodes.size(), d).getMessage();
      // Nowhere to go: an earlier nomination is cleared.
      return new PostFilterResult(Status.unschedulable(message), "");
    }
    Candidate best = selectCandidate(candidates);
    prepareCandidate(best, pod);
    return new PostFilterResult(Status.success(), best.nodeName());
  }

  /** Null if {@code pod} may preempt, else why not (upstream's PodEligibleToPreemptOthers). */
  String podEligibleToPreemptOthers(PodInfo pod, String nominatedNode, Status nominatedNodeStatus) {
    if (PodInfo.PREEMPT_NEVER.equals(pod.preemptionPolicy())) {
      return REASON_PREEMPTION_POLICY_NEVER;
    }
    if (nominatedNode != null && !nominatedNode.isEmpty()) {
      if (nominatedNodeStatus != null
          && nominatedNodeStatus.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
        return null; // the nominated node can't work any more: preempt elsewhere
      }
      NodeInfo n = handle.snapshot().get(nominatedNode);
      if (n != null) {
        for (PodInfo p : n.pods()) {
          if (p.priority() < pod.priority() && p.terminating()) {
            // Victims of an earlier preemption are still going away: wait for them.
            return REASON_TERMINATING_POD;
          }
        }
      }
    }
    return null;
  }

  /** Tries nodes from a random offset until enough candidates are found. */
  List<Candidate> dryRunPreemption(
      CycleState state, PodInfo pod, List<NodeInfo> potential, NodeToStatus nodeStatuses) {
    int n = potential.size();
    int numCandidates =
        Math.min(
            n, Math.max(n * MIN_CANDIDATE_NODES_PERCENTAGE / 100, MIN_CANDIDATE_NODES_ABSOLUTE));
    int offset = ThreadLocalRandom.current().nextInt(n);
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < n && candidates.size() < numCandidates; i++) {
      NodeInfo nodeCopy = potential.get((offset + i) % n).copy();
      CycleState stateCopy = state.copy();
      List<PodInfo> victims = new ArrayList<>();
      Status s = selectVictimsOnNode(stateCopy, pod, nodeCopy, victims);
      if (s.isSuccess() && victims.isEmpty()) {
        s = Status.error("expected at least one victim pod on node \"" + nodeCopy.name() + "\"");
      }
      if (s.isSuccess()) {
        candidates.add(new Candidate(nodeCopy.name(), List.copyOf(victims)));
      } else {
        nodeStatuses.set(nodeCopy.name(), s);
      }
    }
    return candidates;
  }

  /**
   * Upstream's SelectVictimsOnNode on a copy of the node and state: fills {@code victims} (most
   * important first) and returns success, or the status saying why preemption can't help here.
   */
  Status selectVictimsOnNode(
      CycleState state, PodInfo pod, NodeInfo nodeInfo, List<PodInfo> victims) {
    Framework fw = handle.framework();
    List<PodInfo> potentialVictims = new ArrayList<>();
    for (PodInfo p : nodeInfo.pods()) {
      if (p.priority() < pod.priority()) {
        potentialVictims.add(p);
      }
    }
    if (potentialVictims.isEmpty()) {
      return Status.unschedulableAndUnresolvable(NO_VICTIMS);
    }
    for (PodInfo p : potentialVictims) {
      Status s = removePod(fw, state, pod, p, nodeInfo);
      if (!s.isSuccess()) {
        return s;
      }
    }
    Status fits = fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (!fits.isSuccess()) {
      return fits;
    }
    potentialVictims.sort(MORE_IMPORTANT_FIRST);
    for (PodInfo p : potentialVictims) {
      nodeInfo.addPod(p);
      Status s = fw.runPreFilterExtensionAddPod(state, pod, p, nodeInfo);
      if (!s.isSuccess()) {
        return s;
      }
      if (!fw.runFilterPluginsWithNominatedPods(state, pod, nodeInfo).isSuccess()) {
        s = removePod(fw, state, pod, p, nodeInfo);
        if (!s.isSuccess()) {
          return s;
        }
        victims.add(p);
      }
    }
    return Status.success();
  }

  private static Status removePod(
      Framework fw, CycleState state, PodInfo pod, PodInfo victim, NodeInfo nodeInfo) {
    nodeInfo.removePod(victim.pod());
    return fw.runPreFilterExtensionRemovePod(state, pod, victim, nodeInfo);
  }

  /** Higher priority first; equal priority: the one that started earlier first. */
  static final Comparator<PodInfo> MORE_IMPORTANT_FIRST =
      Comparator.comparingInt(PodInfo::priority)
          .reversed()
          .thenComparing(DefaultPreemption::startTime);

  static Instant startTime(PodInfo p) {
    var status = p.pod().getStatus();
    String t = status == null ? null : status.getStartTime();
    if (t == null) {
      t = p.pod().getMetadata().getCreationTimestamp();
    }
    try {
      return t == null ? Instant.MAX : Instant.parse(t);
    } catch (RuntimeException e) {
      return Instant.MAX;
    }
  }

  /**
   * Upstream's pickOneNodeForPreemption without PDBs: lowest highest-priority victim, then lowest
   * priority sum, then fewest victims, then the latest start among the most important victims.
   */
  static Candidate selectCandidate(List<Candidate> candidates) {
    List<Candidate> left = candidates;
    left = minBy(left, c -> c.victims().get(0).priority());
    left =
        minBy(
            left,
            c ->
                c.victims().stream()
                    .mapToLong(v -> (long) v.priority() + Integer.MAX_VALUE + 1)
                    .sum());
    left = minBy(left, c -> c.victims().size());
    left = minBy(left, c -> -earliestStartOfHighestPriority(c).toEpochMilli());
    return left.get(0);
  }

  private static Instant earliestStartOfHighestPriority(Candidate c) {
    int top = c.victims().get(0).priority();
    Instant earliest = Instant.MAX;
    for (PodInfo v : c.victims()) {
      if (v.priority() == top && startTime(v).isBefore(earliest)) {
        earliest = startTime(v);
      }
    }
    return earliest == Instant.MAX ? Instant.EPOCH : earliest;
  }

  private static List<Candidate> minBy(List<Candidate> in, ToLongFunction<Candidate> key) {
    if (in.size() <= 1) {
      return in;
    }
    long min = Long.MAX_VALUE;
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : in) {
      long k = key.applyAsLong(c);
      if (k < min) {
        min = k;
        out.clear();
      }
      if (k == min) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Evicts the victims (asynchronously) and takes the nomination of the node away from pods of
   * lower priority nominated to it, which would not fit any more.
   */
  private void prepareCandidate(Candidate c, PodInfo pod) {
    for (PodInfo victim : c.victims()) {
      Pod v = victim.pod();
      handle
          .api()
          .preempt(v, pod.pod(), c.nodeName())
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  LOG.warn(
                      "Preempting {}/{} for {} failed: {}",
                      v.getMetadata().getNamespace(),
                      v.getMetadata().getName(),
                      pod.key(),
                      e.toString());
                }
              });
    }
    for (PodInfo nominated : handle.nominator().nominatedPodsForNode(c.nodeName())) {
      if (nominated.priority() < pod.priority() && !Objects.equals(nominated.uid(), pod.uid())) {
        handle.nominator().deleteNominatedPodIfExists(nominated);
        handle.api().updatePodStatus(nominated.pod(), null, "");
      }
    }
  }
}
