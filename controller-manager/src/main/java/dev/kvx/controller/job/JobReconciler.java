package dev.kvx.controller.job;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.ActivePods;
import dev.kvx.controller.common.ControllerRefManager;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.LabelSelectors;
import dev.kvx.controller.common.PodControl;
import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.Times;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * Syncs one Job (upstream's {@code syncJob}): counts its pods, decides whether it has failed
 * (backoffLimit, activeDeadlineSeconds) or met its success criteria, keeps {@code
 * min(parallelism, remaining completions)} pods running — one per missing index when Indexed —
 * with exponential backoff after failures, honours suspend, and writes the status. Terminal
 * conditions come after the interim FailureTarget/SuccessCriteriaMet ones, once no pod runs.
 */
final class JobReconciler implements Reconciler {
  static final Duration POD_FAILURE_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_POD_FAILURE_BACKOFF = Duration.ofMinutes(6);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Lister<Job> jobs;
  private final Lister<Pod> pods;
  private final Expectations expectations;
  private final PodControl podControl;
  private final EventRecorder events;
  private final Clock clock;
  private final ControllerRefManager refs;

  JobReconciler(KubernetesClient client, Lister<Job> jobs, Lister<Pod> pods, Expectations expectations,
      PodControl podControl, EventRecorder events, Clock clock) {
    this.client = client;
    this.jobs = jobs;
    this.pods = pods;
    this.expectations = expectations;
    this.podControl = podControl;
    this.events = events;
    this.clock = clock;
    this.refs = new ControllerRefManager(client);
  }

  @Override
  public Result reconcile(String key) throws Exception {
    Keys.NamespacedName nn = Keys.split(key);
    Job cached = jobs.namespace(nn.namespace()).get(nn.name());
    if (cached == null) {
      expectations.delete(key);
      return Result.DONE;
    }
    if (JobConditions.finished(cached.getStatus()) || cached.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE;
    }
    Job job = JSON.clone(cached);
    boolean satisfied = expectations.satisfied(key);
    List<Pod> owned = ownedPods(job);
    List<Pod> active = owned.stream().filter(Pods::isActive).collect(Collectors.toList());
    List<Pod> succeededPods = owned.stream().filter(p -> "Succeeded".equals(Pods.phase(p))).toList();
    List<Pod> failedPods = owned.stream().filter(p -> "Failed".equals(Pods.phase(p))).toList();
    int terminating = (int) owned.stream().filter(p -> p.getMetadata().getDeletionTimestamp() != null && !Pods.isTerminated(p)).count();

    Instant now = clock.now();
    JobStatus status = job.getStatus() == null ? new JobStatus() : JSON.clone(job.getStatus());
    boolean indexed = "Indexed".equals(job.getSpec().getCompletionMode());
    Integer completions = job.getSpec().getCompletions();
    int parallelism = job.getSpec().getParallelism() == null ? 1 : job.getSpec().getParallelism();
    int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    boolean suspended = Boolean.TRUE.equals(job.getSpec().getSuspend());

    int failed = Math.max(n(status.getFailed()), failedPods.size());
    int succeeded;
    SortedSet<Integer> completed = Indexes.parse(status.getCompletedIndexes());
    if (indexed) {
      for (Pod p : succeededPods) {
        Integer i = JobPods.index(p);
        if (i != null && completions != null && i >= 0 && i < completions) {
          completed.add(i);
        }
      }
      succeeded = completed.size();
      status.setCompletedIndexes(Indexes.format(completed));
    } else {
      succeeded = Math.max(n(status.getSucceeded()), succeededPods.size());
    }
    if (status.getStartTime() == null && !suspended) {
      status.setStartTime(Times.format(now));
    }

    Duration requeue = null;
    int created = 0;
    int deleted = 0;
    boolean failing = JobConditions.isTrue(status, JobConditions.FAILURE_TARGET);
    boolean succeeding = JobConditions.isTrue(status, JobConditions.SUCCESS_CRITERIA_MET);
    if (!failing && !succeeding) {
      Integer deadline = job.getSpec().getActiveDeadlineSeconds() == null ? null : job.getSpec().getActiveDeadlineSeconds().intValue();
      Instant started = Times.parse(status.getStartTime());
      if (failed > backoffLimit) {
        JobConditions.set(status, JobConditions.FAILURE_TARGET, "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
        failing = true;
      } else if (deadline != null && started != null && !suspended && !now.isBefore(started.plusSeconds(deadline))) {
        JobConditions.set(status, JobConditions.FAILURE_TARGET, "True", "DeadlineExceeded", "Job was active longer than specified deadline", now);
        failing = true;
      } else if (complete(indexed, completions, succeeded, active.size())) {
        JobConditions.set(status, JobConditions.SUCCESS_CRITERIA_MET, "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
        succeeding = true;
      } else if (deadline != null && started != null && !suspended) {
        requeue = Duration.between(now, started.plusSeconds(deadline));
      }
    }
    if (failing || succeeding) {
      // Lingering pods go; the terminal condition follows once none runs.
      deleted += podControl.deletePods(expectations, key, active, job);
      if (active.isEmpty() && terminating == 0) {
        var target = JobConditions.get(status, failing ? JobConditions.FAILURE_TARGET : JobConditions.SUCCESS_CRITERIA_MET);
        if (failing) {
          JobConditions.set(status, JobConditions.FAILED, "True", target.getReason(), target.getMessage(), now);
          events.event(job, EventRecorder.WARNING, target.getReason(), target.getMessage());
        } else {
          JobConditions.set(status, JobConditions.COMPLETE, "True", target.getReason(), target.getMessage(), now);
          status.setCompletionTime(Times.format(now));
          events.event(job, EventRecorder.NORMAL, "Completed", "Job completed");
        }
      }
    } else if (suspended) {
      deleted += podControl.deletePods(expectations, key, active, job);
      if (!JobConditions.isTrue(status, JobConditions.SUSPENDED)) {
        JobConditions.set(status, JobConditions.SUSPENDED, "True", "JobSuspended", "Job suspended", now);
        events.event(job, EventRecorder.NORMAL, "Suspended", "Job suspended");
      }
    } else {
      if (JobConditions.isTrue(status, JobConditions.SUSPENDED)) {
        JobConditions.set(status, JobConditions.SUSPENDED, "False", "JobResumed", "Job resumed", now);
        status.setStartTime(Times.format(now)); // the deadline counts from the resume
        events.event(job, EventRecorder.NORMAL, "Resumed", "Job resumed");
      }
      if (satisfied) {
        Duration backoff = remainingBackoff(failedPods, failed, now);
        int[] counts = manage(key, job, active, indexed, completions, parallelism, succeeded, completed, backoff.isZero());
        created = counts[0];
        deleted += counts[1];
        if (!backoff.isZero() && counts[2] > 0) {
          requeue = min(requeue, backoff);
        }
      }
    }
    status.setActive(active.size() + created - deleted);
    status.setSucceeded(succeeded);
    status.setFailed(failed);
    status.setReady((int) active.stream().filter(Pods::isReady).count());
    status.setTerminating(terminating);
    if (!status.equals(job.getStatus())) {
      updateStatus(job, status);
    }
    return requeue == null || requeue.isNegative() ? Result.DONE : Result.requeueAfter(requeue.plusMillis(100));
  }

  private static boolean complete(boolean indexed, Integer completions, int succeeded, int active) {
    if (completions == null) {
      return succeeded > 0 && active == 0; // work queue: one success and everyone finished
    }
    return succeeded >= completions;
  }

  /**
   * Creates or deletes pods; returns {created, deleted, wanted-but-held-back-by-backoff}.
   */
  private int[] manage(String key, Job job, List<Pod> active, boolean indexed, Integer completions,
      int parallelism, int succeeded, SortedSet<Integer> completed, boolean mayCreate) throws Exception {
    List<Pod> toDelete = new ArrayList<>();
    List<Integer> toCreate = new ArrayList<>(); // indexes, or nulls when NonIndexed
    if (indexed) {
      Set<Integer> running = new HashSet<>();
      for (Pod p : active) {
        Integer i = JobPods.index(p);
        if (i == null || completions == null || i >= completions || completed.contains(i) || !running.add(i)) {
          toDelete.add(p);
        }
      }
      int room = parallelism - (active.size() - toDelete.size());
      for (int i = 0; completions != null && i < completions && room > 0; i++) {
        if (!completed.contains(i) && !running.contains(i)) {
          toCreate.add(i);
          room--;
        }
      }
    } else {
      int want;
      if (completions == null) {
        want = succeeded > 0 ? Math.min(active.size(), parallelism) : parallelism;
      } else {
        want = Math.max(0, Math.min(completions - succeeded, parallelism));
      }
      if (active.size() > want) {
        active.stream().sorted(ActivePods.deletionOrder(active, active)).limit(active.size() - want).forEach(toDelete::add);
      }
      for (int i = active.size(); i < want; i++) {
        toCreate.add(null);
      }
    }
    int deleted = podControl.deletePods(expectations, key, toDelete, job);
    if (toCreate.isEmpty() || !mayCreate) {
      return new int[] {0, deleted, toCreate.size()};
    }
    int count = Math.min(toCreate.size(), 500);
    int created = podControl.createPods(expectations, key, count, i -> JobPods.pod(job, toCreate.get(i)), job);
    return new int[] {created, deleted, 0};
  }

  // Exponential backoff after failures: 10 s, 20 s, 40 s … capped at 6 min, from the last failure.
  private Duration remainingBackoff(List<Pod> failedPods, int failed, Instant now) {
    if (failed == 0 || failedPods.isEmpty()) {
      return Duration.ZERO;
    }
    Instant last = failedPods.stream().map(JobReconciler::finishedAt).filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
    if (last == null) {
      return Duration.ZERO;
    }
    Duration delay = POD_FAILURE_BACKOFF.multipliedBy(1L << Math.min(failed - 1, 20));
    if (delay.compareTo(MAX_POD_FAILURE_BACKOFF) > 0) {
      delay = MAX_POD_FAILURE_BACKOFF;
    }
    Duration left = Duration.between(now, last.plus(delay));
    return left.isNegative() ? Duration.ZERO : left;
  }

  private static Instant finishedAt(Pod p) {
    Instant latest = null;
    if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
        if (cs.getState() != null && cs.getState().getTerminated() != null) {
          Instant t = Times.parse(cs.getState().getTerminated().getFinishedAt());
          if (t != null && (latest == null || t.isAfter(latest))) {
            latest = t;
          }
        }
      }
    }
    if (latest == null) {
      latest = Pods.condition(p, "Ready").map(c -> Times.parse(c.getLastTransitionTime())).orElse(null);
    }
    return latest != null ? latest : Times.parse(p.getMetadata().getCreationTimestamp());
  }

  private List<Pod> ownedPods(Job job) {
    List<Pod> inNamespace = pods.namespace(job.getMetadata().getNamespace()).list();
    if (job.getSpec().getSelector() == null) {
      return inNamespace.stream().filter(p -> Owners.isControlledBy(p, job)).toList();
    }
    return refs.claim(job, p -> LabelSelectors.matches(job.getSpec().getSelector(), p.getMetadata().getLabels()),
        inNamespace, () -> {
          Job fresh = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName()).get();
          return fresh != null && Objects.equals(fresh.getMetadata().getUid(), job.getMetadata().getUid())
              && fresh.getMetadata().getDeletionTimestamp() == null;
        });
  }

  private void updateStatus(Job job, JobStatus status) {
    Job copy = JSON.clone(job);
    copy.setStatus(status);
    try {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a == null ? b : (b == null || a.compareTo(b) <= 0 ? a : b);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
