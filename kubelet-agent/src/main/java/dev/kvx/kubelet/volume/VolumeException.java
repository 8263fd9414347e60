package dev.kvx.kubelet.volume;

/** A volume could not be set up; the pod waits in ContainerCreating with a FailedMount event. */
public final class VolumeException extends Exception {
  public VolumeException(String message) {
    super(message);
  }

  public VolumeException(String message, Throwable cause) {
    super(message, cause);
  }
}
