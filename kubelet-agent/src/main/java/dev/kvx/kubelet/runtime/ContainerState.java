package dev.kvx.kubelet.runtime;

/** CRI's container states. */
public enum ContainerState {
  /** Created, not started yet (or a start is still in progress). */
  CREATED,
  RUNNING,
  EXITED,
  /** The runtime cannot tell; the agent kills and replaces such a container. */
  UNKNOWN
}
