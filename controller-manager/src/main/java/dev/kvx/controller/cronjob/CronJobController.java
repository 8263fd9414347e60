package dev.kvx.controller.cronjob;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Times;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The CronJob controller (upstream's {@code cronjob_controllerv2}): keeps {@code status.active}
 * in line with the owned Jobs, starts the Job of the most recent missed schedule time unless
 * suspended, too late ({@code startingDeadlineSeconds}) or forbidden by {@code
 * concurrencyPolicy}, replaces running Jobs under {@code Replace}, trims finished Jobs to the
 * history limits, and requeues itself for the next schedule time.
 */
public final class CronJobController implements Reconciler {
  public static final String NAME = "cronjob-controller";
  public static final String COMPONENT = "cronjob-controller";
  static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  static final int MISSED_LIMIT = 100;
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "cronjob", ctx -> new CronJobController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<CronJob> cronJobs;
  private final Lister<Job> jobs;
  private final Clock clock;
  private final EventRecorder events;
  private final Controller controller;

  CronJobController(ControllerContext ctx) {
    this.client = ctx.client();
    this.clock = ctx.clock();
    this.events = ctx.recorder(COMPONENT);
    var cjInformer = ctx.informers().informerFor(CronJob.class);
    var jobInformer = ctx.informers().informerFor(Job.class);
    this.cronJobs = new Lister<>(cjInformer.getIndexer());
    this.jobs = new Lister<>(jobInformer.getIndexer());
    this.controller = ctx.controller("cronjob", this).workers(5).build();
    cjInformer.addEventHandler(controller.enqueueHandler());
    jobInformer.addEventHandler(controller.enqueueOwnerHandler("CronJob"));
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public Result reconcile(String key) {
    Keys.NamespacedName nn = Keys.split(key);
    CronJob cached = cronJobs.namespace(nn.namespace()).get(nn.name());
    if (cached == null) {
      return Result.DONE;
    }
    CronJob cj = JSON.clone(cached);
    Instant now = clock.now();
    CronJobStatus status = cj.getStatus() == null ? new CronJobStatus() : JSON.clone(cj.getStatus());
    List<Job> owned = jobs.namespace(nn.namespace()).list().stream().filter(j -> Owners.isControlledBy(j, cj)).toList();
    syncActive(cj, status, owned);
    Duration requeue = null;
    if (cj.getMetadata().getDeletionTimestamp() == null && !Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
      requeue = schedule(cj, status, owned, now);
    }
    if (!status.equals(cj.getStatus())) {
      cj.setStatus(status);
      client.batch().v1().cronjobs().inNamespace(nn.namespace()).resource(cj).updateStatus();
    }
    cleanupFinished(cj, owned);
    return requeue == null ? Result.DONE : Result.requeueAfter(requeue);
  }

  // status.active lists exactly the owned Jobs still running; finished ones are reported once.
  private void syncActive(CronJob cj, CronJobStatus status, List<Job> owned) {
    List<ObjectReference> active = new ArrayList<>(status.getActive() == null ? List.of() : status.getActive());
    for (Job j : owned) {
      boolean listed = active.stream().anyMatch(r -> Objects.equals(r.getUid(), j.getMetadata().getUid()));
      JobCondition finished = finishedCondition(j);
      if (finished == null) {
        if (!listed && j.getMetadata().getDeletionTimestamp() == null) {
          active.add(ref(j));
        }
      } else if (listed) {
        active.removeIf(r -> Objects.equals(r.getUid(), j.getMetadata().getUid()));
        events.eventf(cj, EventRecorder.NORMAL, "SawCompletedJob", "Saw completed job: %s, condition: %s",
            j.getMetadata().getName(), finished.getType());
        if ("Complete".equals(finished.getType())) {
          String done = j.getStatus().getCompletionTime() != null ? j.getStatus().getCompletionTime() : finished.getLastTransitionTime();
          if (status.getLastSuccessfulTime() == null || Times.parse(done).isAfter(Times.parse(status.getLastSuccessfulTime()))) {
            status.setLastSuccessfulTime(done);
          }
        }
      }
    }
    // Jobs that disappeared leave the list.
    active.removeIf(r -> owned.stream().noneMatch(j -> Objects.equals(j.getMetadata().getUid(), r.getUid())));
    status.setActive(active.isEmpty() ? null : active);
  }

  private Duration schedule(CronJob cj, CronJobStatus status, List<Job> owned, Instant now) {
    Schedules schedule;
    try {
      schedule = Schedules.parse(cj.getSpec().getSchedule(), cj.getSpec().getTimeZone());
    } catch (RuntimeException e) {
      events.eventf(cj, EventRecorder.WARNING, "UnparseableSchedule", "unparseable schedule: %s : %s", cj.getSpec().getSchedule(), e.getMessage());
      return null;
    }
    Instant earliest = Times.parse(status.getLastScheduleTime() != null ? status.getLastScheduleTime() : cj.getMetadata().getCreationTimestamp());
    if (earliest == null) {
      earliest = now;
    }
    Schedules.Missed missed = schedule.mostRecent(earliest, now, MISSED_LIMIT);
    if (missed.count() > MISSED_LIMIT) {
      events.eventf(cj, EventRecorder.WARNING, "TooManyMissedTimes",
          "too many missed start times: %d. Set or decrease .spec.startingDeadlineSeconds or check clock skew", missed.count());
    }
    Duration untilNext = schedule.next(now).map(t -> Duration.between(now, t).plusMillis(100)).orElse(null);
    Instant scheduled = missed.latest();
    if (scheduled == null) {
      return untilNext;
    }
    Long deadline = cj.getSpec().getStartingDeadlineSeconds();
    if (deadline != null && scheduled.plusSeconds(deadline).isBefore(now)) {
      events.eventf(cj, EventRecorder.WARNING, "MissSchedule", "Missed scheduled time to start a job: %s", Times.format(scheduled));
      return untilNext;
    }
    String jobName = cj.getMetadata().getName() + "-" + (scheduled.getEpochSecond() / 60);
    boolean alreadyStarted = owned.stream().anyMatch(j -> j.getMetadata().getName().equals(jobName));
    if (alreadyStarted) {
      return untilNext;
    }
    String policy = cj.getSpec().getConcurrencyPolicy() == null ? "Allow" : cj.getSpec().getConcurrencyPolicy();
    boolean anyActive = status.getActive() != null && !status.getActive().isEmpty();
    if ("Forbid".equals(policy) && anyActive) {
      events.eventf(cj, EventRecorder.NORMAL, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return untilNext;
    }
    if ("Replace".equals(policy) && anyActive) {
      for (ObjectReference r : List.copyOf(status.getActive())) {
        try {
          client.batch().v1().jobs().inNamespace(r.getNamespace()).withName(r.getName())
              .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
          events.eventf(cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job %s", r.getName());
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
      status.setActive(null);
    }
    Job job = jobFor(cj, jobName, scheduled, schedule);
    Job made;
    try {
      made = client.batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace()).resource(job).create();
      events.eventf(cj, EventRecorder.NORMAL, "SuccessfulCreate", "Created job %s", jobName);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        events.eventf(cj, EventRecorder.WARNING, "FailedCreate", "Error creating job: %s", e.getMessage());
        throw e;
      }
      made = client.batch().v1().jobs().inNamespace(cj.getMetadata().getNamespace()).withName(jobName).get();
      if (made == null || !Owners.isControlledBy(made, cj)) {
        return untilNext;
      }
    }
    Job created = made;
    List<ObjectReference> active = new ArrayList<>(status.getActive() == null ? List.of() : status.getActive());
    if (active.stream().noneMatch(r -> Objects.equals(r.getUid(), created.getMetadata().getUid()))) {
      active.add(ref(created));
    }
    status.setActive(active);
    status.setLastScheduleTime(Times.format(scheduled));
    return untilNext;
  }

  static Job jobFor(CronJob cj, String name, Instant scheduled, Schedules schedule) {
    var template = JSON.clone(cj.getSpec().getJobTemplate());
    Map<String, String> annotations = template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? new HashMap<>() : new HashMap<>(template.getMetadata().getAnnotations());
    annotations.put(SCHEDULED_TIMESTAMP, ZonedDateTime.ofInstant(scheduled, schedule.zone()).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    return new JobBuilder()
        .withNewMetadata()
        .withNamespace(cj.getMetadata().getNamespace())
        .withName(name)
        .withLabels(template.getMetadata() == null ? null : template.getMetadata().getLabels())
        .withAnnotations(annotations)
        .withOwnerReferences(Owners.controllerRef(cj))
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
  }

  // Keep the newest successfulJobsHistoryLimit (3) Complete and failedJobsHistoryLimit (1) Failed Jobs.
  private void cleanupFinished(CronJob cj, List<Job> owned) {
    int keepSucceeded = cj.getSpec().getSuccessfulJobsHistoryLimit() == null ? 3 : cj.getSpec().getSuccessfulJobsHistoryLimit();
    int keepFailed = cj.getSpec().getFailedJobsHistoryLimit() == null ? 1 : cj.getSpec().getFailedJobsHistoryLimit();
    trim(cj, owned, "Complete", keepSucceeded);
    trim(cj, owned, "Failed", keepFailed);
  }

  private void trim(CronJob cj, List<Job> owned, String type, int keep) {
    List<Job> finished = owned.stream()
        .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
        .filter(j -> Optional.ofNullable(finishedCondition(j)).map(c -> type.equals(c.getType())).orElse(false))
        .sorted(Comparator.comparing((Job j) -> startOf(j)).thenComparing(j -> j.getMetadata().getName()))
        .toList();
    for (int i = 0; i < finished.size() - keep; i++) {
      Job j = finished.get(i);
      try {
        client.batch().v1().jobs().inNamespace(j.getMetadata().getNamespace()).withName(j.getMetadata().getName())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        events.eventf(cj, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted job %s", j.getMetadata().getName());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
  }

  private static Instant startOf(Job j) {
    Instant t = j.getStatus() == null ? null : Times.parse(j.getStatus().getStartTime());
    if (t == null) {
      t = Times.parse(j.getMetadata().getCreationTimestamp());
    }
    return t == null ? Instant.EPOCH : t;
  }

  private static JobCondition finishedCondition(Job j) {
    if (j.getStatus() == null || j.getStatus().getConditions() == null) {
      return null;
    }
    return j.getStatus().getConditions().stream()
        .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
        .findFirst().orElse(null);
  }

  private static ObjectReference ref(Job j) {
    return new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
        .withNamespace(j.getMetadata().getNamespace()).withName(j.getMetadata().getName())
        .withUid(j.getMetadata().getUid()).withResourceVersion(j.getMetadata().getResourceVersion()).build();
  }
}
