package dev.kvx.scheduler.framework;

/**
 * A scheduling plugin (kube-scheduler framework's {@code Plugin}). A plugin implements only the
 * extension points it needs ({@link FilterPlugin}, {@link ScorePlugin}, …); the framework registers
 * it at every one it implements, as upstream's multi-point configuration does.
 *
 * <p>Contract for every extension point: called on the scheduling thread (bind: on the binding
 * path), never on an event loop; per-cycle data goes to {@link CycleState}, never to fields, so one
 * plugin instance serves every cycle.
 */
public interface Plugin {

  /** The plugin's name, as in a KubeSchedulerConfiguration (e.g. {@code TaintToleration}). */
  String name();
}
