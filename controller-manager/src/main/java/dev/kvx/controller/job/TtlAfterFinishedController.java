package dev.kvx.controller.job;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Deletes finished Jobs {@code ttlSecondsAfterFinished} after they finished (upstream's {@code
 * ttlafterfinished} controller), in the foreground so their pods go first. The expiry is checked
 * again against a fresh read, as upstream does, in case the TTL was changed meanwhile.
 */
public final class TtlAfterFinishedController implements Reconciler {
  public static final String NAME = "ttl-after-finished-controller";

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "ttl-after-finished", ctx -> new TtlAfterFinishedController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<Job> jobs;
  private final Clock clock;
  private final Controller controller;

  TtlAfterFinishedController(ControllerContext ctx) {
    this.client = ctx.client();
    this.clock = ctx.clock();
    var informer = ctx.informers().informerFor(Job.class);
    this.jobs = new Lister<>(informer.getIndexer());
    this.controller = ctx.controller("ttl_jobs_to_delete", this).workers(5).build();
    informer.addEventHandler(controller.enqueueHandler());
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public Result reconcile(String key) {
    Keys.NamespacedName nn = Keys.split(key);
    Job job = jobs.namespace(nn.namespace()).get(nn.name());
    if (job == null || job.getMetadata().getDeletionTimestamp() != null) {
      return Result.DONE;
    }
    Duration left = timeLeft(job, clock.now());
    if (left == null) {
      return Result.DONE;
    }
    if ((!left.isNegative() && !left.isZero())) {
      return Result.requeueAfter(left);
    }
    Job fresh = client.batch().v1().jobs().inNamespace(nn.namespace()).withName(nn.name()).get();
    if (fresh == null || !Objects.equals(fresh.getMetadata().getUid(), job.getMetadata().getUid())) {
      return Result.DONE;
    }
    Duration freshLeft = timeLeft(fresh, clock.now());
    if (freshLeft == null) {
      return Result.DONE;
    }
    if ((!freshLeft.isNegative() && !freshLeft.isZero())) {
      return Result.requeueAfter(freshLeft);
    }
    try {
      client.batch().v1().jobs().inNamespace(nn.namespace()).withName(nn.name())
          .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
    return Result.DONE;
  }

  /** Time until the job expires; null when it has no TTL or has not finished. */
  static Duration timeLeft(Job job, Instant now) {
    Integer ttl = job.getSpec().getTtlSecondsAfterFinished();
    if (ttl == null || job.getStatus() == null || !JobConditions.finished(job.getStatus())) {
      return null;
    }
    Instant finished = null;
    for (JobCondition c : job.getStatus().getConditions()) {
      if ((JobConditions.COMPLETE.equals(c.getType()) || JobConditions.FAILED.equals(c.getType())) && "True".equals(c.getStatus())) {
        finished = Times.parse(c.getLastTransitionTime());
      }
    }
    if (finished == null) {
      return null;
    }
    return Duration.between(now, finished.plusSeconds(ttl));
  }
}
