package dev.kvx.kubelet.runtime.docker;

/** A local image could not be built; the message says why and what to install or fix. */
public class ImageBuildException extends RuntimeException {
  public ImageBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
