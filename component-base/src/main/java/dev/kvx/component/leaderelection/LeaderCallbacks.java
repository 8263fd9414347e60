package dev.kvx.component.leaderelection;

/**
 * What a component does as leadership changes (client-go's {@code LeaderCallbacks}).
 *
 * <p>All callbacks run one after another on the elector's own callback thread, never on the thread
 * that renews the lease (so a slow {@code onStartedLeading} cannot cost the lease) and never on an
 * event loop. They may block briefly.
 */
public interface LeaderCallbacks {

  /** This process became the leader: start the work only a leader may do. */
  default void onStartedLeading() {}

  /**
   * This process is no longer the leader (lost the lease or stopped): stop that work now. Called
   * only after {@link #onStartedLeading}. Upstream components exit here; in one JVM a component
   * stops its controllers instead.
   */
  default void onStoppedLeading() {}

  /** The observed leader changed (including to this process). */
  default void onNewLeader(String identity) {}
}
