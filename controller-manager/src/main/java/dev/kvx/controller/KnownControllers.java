package dev.kvx.controller;

import dev.kvx.controller.cronjob.CronJobController;
import dev.kvx.controller.daemonset.DaemonSetController;
import dev.kvx.controller.deployment.DeploymentController;
import dev.kvx.controller.endpoint.EndpointsController;
import dev.kvx.controller.endpointslice.EndpointSliceController;
import dev.kvx.controller.garbagecollector.GarbageCollector;
import dev.kvx.controller.job.JobController;
import dev.kvx.controller.job.TtlAfterFinishedController;
import dev.kvx.controller.namespace.NamespaceController;
import dev.kvx.controller.nodelifecycle.NodeLifecycleController;
import dev.kvx.controller.podgc.PodGarbageCollector;
import dev.kvx.controller.serviceaccount.ServiceAccountController;
import dev.kvx.controller.statefulset.StatefulSetController;
import dev.kvx.controller.replicaset.ReplicaSetController;
import java.util.List;

/** Every controller kvx's controller manager can run, in start order (upstream's registry). */
public final class KnownControllers {
  private KnownControllers() {}

  public static List<ControllerDescriptor> all() {
    return List.of(
        ReplicaSetController.DESCRIPTOR,
        DeploymentController.DESCRIPTOR,
        GarbageCollector.DESCRIPTOR,
        NamespaceController.DESCRIPTOR,
        ServiceAccountController.DESCRIPTOR,
        PodGarbageCollector.DESCRIPTOR,
        EndpointsController.DESCRIPTOR,
        EndpointSliceController.DESCRIPTOR,
        JobController.DESCRIPTOR,
        TtlAfterFinishedController.DESCRIPTOR,
        NodeLifecycleController.DESCRIPTOR,
        CronJobController.DESCRIPTOR,
        DaemonSetController.DESCRIPTOR,
        StatefulSetController.DESCRIPTOR,
        dev.kvx.controller.nodeipam.NodeIpamController.DESCRIPTOR);
  }
}
