package dev.kvx.scheduler.framework;

import dev.kvx.component.clock.Clock;

/**
 * What a plugin may use besides its own code (upstream {@code framework.Handle}): the cycle's
 * snapshot, the nominated pods, the API, the clock, and the framework itself to re-run filters
 * (preemption).
 */
public interface Handle {

  /** The current cycle's nodes; updated in place before each cycle. */
  SharedLister snapshot();

  PodNominator nominator();

  ClusterApi api();

  Clock clock();

  /** The framework the plugin runs in, for running other plugins (e.g. filters in preemption). */
  Framework framework();
}
