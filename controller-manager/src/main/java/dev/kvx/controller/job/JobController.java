package dev.kvx.controller.job;

import dev.kvx.component.controller.Controller;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.Expectations;
import dev.kvx.controller.common.OwnedPodHandler;
import dev.kvx.controller.common.PodControl;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.Objects;

/** The Job controller: runs each Job's pods to completion; {@link JobReconciler} syncs. */
public final class JobController {
  public static final String NAME = "job-controller";
  public static final String COMPONENT = "job-controller";
  /** Upstream's --concurrent-job-syncs default. */
  static final int WORKERS = 5;

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "job", ctx -> new JobController(ctx).controller);

  private final Controller controller;

  JobController(ControllerContext ctx) {
    SharedIndexInformer<Job> jobInformer = ctx.informers().informerFor(Job.class);
    SharedIndexInformer<Pod> podInformer = ctx.informers().informerFor(Pod.class);
    Lister<Job> jobs = new Lister<>(jobInformer.getIndexer());
    Expectations expectations = new Expectations(ctx.clock());
    var recorder = ctx.recorder(COMPONENT);
    JobReconciler reconciler = new JobReconciler(ctx.client(), jobs, new Lister<>(podInformer.getIndexer()),
        expectations, new PodControl(ctx.client(), recorder), recorder, ctx.clock());
    this.controller = ctx.controller("job", reconciler).workers(WORKERS).build();
    jobInformer.addEventHandler(controller.enqueueHandler());
    podInformer.addEventHandler(new OwnedPodHandler("Job", (ns, ref) -> {
      Job j = jobs.namespace(ns).get(ref.getName());
      return j != null && Objects.equals(j.getMetadata().getUid(), ref.getUid());
    }, expectations, controller));
  }

  public Controller controller() {
    return controller;
  }
}
