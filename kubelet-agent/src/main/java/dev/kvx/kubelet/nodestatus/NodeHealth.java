package dev.kvx.kubelet.nodestatus;

/**
 * The signals behind the node's conditions, read at each status update (on a heartbeat thread; they
 * may block briefly).
 */
public interface NodeHealth {

  /** Null when the container runtime answers, else why not (the node is then NotReady). */
  String runtimeProblem();

  boolean memoryPressure();

  boolean diskPressure();

  boolean pidPressure();

  /** A node without problems (the simulated runtime's). */
  static NodeHealth healthy() {
    return new NodeHealth() {
      @Override
      public String runtimeProblem() {
        return null;
      }

      @Override
      public boolean memoryPressure() {
        return false;
      }

      @Override
      public boolean diskPressure() {
        return false;
      }

      @Override
      public boolean pidPressure() {
        return false;
      }
    };
  }
}
