package dev.kvx.kubelet.pod;

/**
 * A container could not be started; {@link #reason()} is the waiting reason its status shows
 * ({@code ErrImagePull}, {@code ImagePullBackOff}, {@code ErrImageNeverPull}, {@code
 * CreateContainerConfigError}, {@code CreateContainerError}, {@code RunContainerError}, {@code
 * PostStartHookError}).
 */
public final class ContainerStartException extends Exception {
  private final String reason;

  public ContainerStartException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ContainerStartException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
