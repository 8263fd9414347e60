package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the workload kinds' strategies share (apps/v1 Deployment, ReplicaSet, StatefulSet,
 * DaemonSet; batch/v1 Job, CronJob): their controllers report observedGeneration, so a spec change
 * bumps generation, and their {@code SetDefaults_<Kind>} runs on every write, create or update, as
 * upstream defaults every decoded request body.
 */
abstract class WorkloadStrategy implements ResourceStrategy {

  @Override
  public final boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    setDefaults(obj);
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    setDefaults(obj);
  }

  /** The kind's {@code SetDefaults_<Kind>}, in place; the object may have no spec. */
  abstract void setDefaults(ObjectNode obj);

  /**
   * {@link #validate} plus upstream's immutable {@code spec.selector}: the update rule of the kinds
   * whose selector is fixed at creation.
   */
  final List<Cause> validateWithImmutableSelector(ObjectNode obj, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(obj));
    out.addAll(Workloads.immutableSelector(obj.path("spec"), old.path("spec"), FieldPath.root("spec")));
    return out;
  }
}
