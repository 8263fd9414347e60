package dev.kvx.kubelet.runtime;

/**
 * Labels the runtimes put on what they create. The pod and container ones are those dockershim and
 * cri-dockerd use, so {@code docker ps} output reads as on a Kubernetes node; the node label keeps
 * agents sharing one engine apart.
 */
public final class RuntimeLabels {
  public static final String POD_UID = "io.kubernetes.pod.uid";
  public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
  public static final String POD_NAME = "io.kubernetes.pod.name";
  public static final String CONTAINER_NAME = "io.kubernetes.container.name";
  public static final String SANDBOX_ID = "io.kubernetes.sandbox.id";

  /** {@code podsandbox} or {@code container}, as dockershim's {@code io.kubernetes.docker.type}. */
  public static final String TYPE = "io.kubernetes.docker.type";

  public static final String TYPE_SANDBOX = "podsandbox";
  public static final String TYPE_CONTAINER = "container";

  /** The name of the node whose agent created the object. */
  public static final String NODE = "dev.kvx.node";

  /** The sandbox's or container's attempt (a container's restart count). */
  public static final String ATTEMPT = "dev.kvx.attempt";

  /** A hash of the container's spec: a container whose spec changed is replaced. */
  public static final String CONTAINER_HASH = "io.kubernetes.container.hash";

  /** The pod's restart policy, recorded on the sandbox. */
  public static final String RESTART_POLICY = "dev.kvx.restart-policy";

  /** Where the container's termination message file lives on the node. */
  public static final String TERMINATION_MESSAGE_FILE = "dev.kvx.termination-message-file";

  private RuntimeLabels() {}
}
