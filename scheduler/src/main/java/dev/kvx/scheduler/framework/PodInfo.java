package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pod with what the scheduler derives from it once (upstream {@code framework.PodInfo}): its
 * resolved priority and preemption policy, its requests, and its compiled (anti-)affinity terms.
 *
 * <p>Immutable; the pod itself is shared with the informer cache and must never be changed.
 */
public final class PodInfo {
  /** The preemption policy when neither the pod nor its PriorityClass sets one. */
  public static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";

  public static final String PREEMPT_NEVER = "Never";

  private final Pod pod;
  private final int priority;
  private final String preemptionPolicy;
  private final Resource requests;
  private final Resource nonZeroRequests;
  private final List<AffinityTerm> requiredAffinityTerms;
  private final List<AffinityTerm> requiredAntiAffinityTerms;
  private final List<WeightedAffinityTerm> preferredAffinityTerms;
  private final List<WeightedAffinityTerm> preferredAntiAffinityTerms;

  private PodInfo(Pod pod, int priority, String preemptionPolicy) {
    this.pod = Objects.requireNonNull(pod, "pod");
    this.priority = priority;
    this.preemptionPolicy = preemptionPolicy == null ? PREEMPT_LOWER_PRIORITY : preemptionPolicy;
    this.requests = PodRequests.of(pod);
    this.nonZeroRequests = PodRequests.nonZero(pod);
    Affinity affinity = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    if (affinity != null && affinity.getPodAffinity() != null) {
      requiredAffinityTerms =
          terms(pod, affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
      preferredAffinityTerms =
          weighted(
              pod, affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    } else {
      requiredAffinityTerms = List.of();
      preferredAffinityTerms = List.of();
    }
    if (affinity != null && affinity.getPodAntiAffinity() != null) {
      requiredAntiAffinityTerms =
          terms(
              pod,
              affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
      preferredAntiAffinityTerms =
          weighted(
              pod,
              affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
    } else {
      requiredAntiAffinityTerms = List.of();
      preferredAntiAffinityTerms = List.of();
    }
  }

  /** A pod whose priority is its {@code spec.priority} (0 if unset). */
  public static PodInfo of(Pod pod) {
    Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    String policy = pod.getSpec() == null ? null : pod.getSpec().getPreemptionPolicy();
    return new PodInfo(pod, p == null ? 0 : p, policy);
  }

  /** A pod with an already resolved priority and preemption policy (see PriorityResolver). */
  public static PodInfo of(Pod pod, int priority, String preemptionPolicy) {
    return new PodInfo(pod, priority, preemptionPolicy);
  }

  /** The same derived data for a newer version of the pod (priority and policy carried over). */
  public PodInfo withPod(Pod newPod) {
    return new PodInfo(newPod, priority, preemptionPolicy);
  }

  public Pod pod() {
    return pod;
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  public String uid() {
    return pod.getMetadata().getUid();
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace() + "/" + name();
  }

  public String nodeName() {
    return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
  }

  public int priority() {
    return priority;
  }

  public String preemptionPolicy() {
    return preemptionPolicy;
  }

  /** Requests as NodeResourcesFit counts them; do not modify. */
  public Resource requests() {
    return requests;
  }

  /** Requests with 100m / 200Mi defaults for scoring; do not modify. */
  public Resource nonZeroRequests() {
    return nonZeroRequests;
  }

  public List<AffinityTerm> requiredAffinityTerms() {
    return requiredAffinityTerms;
  }

  public List<AffinityTerm> requiredAntiAffinityTerms() {
    return requiredAntiAffinityTerms;
  }

  public List<WeightedAffinityTerm> preferredAffinityTerms() {
    return preferredAffinityTerms;
  }

  public List<WeightedAffinityTerm> preferredAntiAffinityTerms() {
    return preferredAntiAffinityTerms;
  }

  /** Whether the pod has any pod affinity or anti-affinity (required or preferred). */
  public boolean hasAffinity() {
    return !requiredAffinityTerms.isEmpty()
        || !requiredAntiAffinityTerms.isEmpty()
        || !preferredAffinityTerms.isEmpty()
        || !preferredAntiAffinityTerms.isEmpty();
  }

  /** Whether the pod is being deleted. */
  public boolean terminating() {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  private static List<AffinityTerm> terms(Pod pod, List<PodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<AffinityTerm> out = new ArrayList<>(terms.size());
    for (PodAffinityTerm t : terms) {
      out.add(AffinityTerm.of(pod, t));
    }
    return List.copyOf(out);
  }

  private static List<WeightedAffinityTerm> weighted(Pod pod, List<WeightedPodAffinityTerm> terms) {
    if (terms == null || terms.isEmpty()) {
      return List.of();
    }
    List<WeightedAffinityTerm> out = new ArrayList<>(terms.size());
    for (WeightedPodAffinityTerm t : terms) {
      if (t.getPodAffinityTerm() != null) {
        int w = t.getWeight() == null ? 0 : t.getWeight();
        out.add(new WeightedAffinityTerm(AffinityTerm.of(pod, t.getPodAffinityTerm()), w));
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return key();
  }
}
