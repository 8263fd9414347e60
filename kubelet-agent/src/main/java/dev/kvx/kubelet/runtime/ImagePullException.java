package dev.kvx.kubelet.runtime;

/**
 * An image could not be pulled; the pod shows {@code ErrImagePull}, then {@code ImagePullBackOff}.
 */
public class ImagePullException extends RuntimeOperationException {
  public ImagePullException(String message, Throwable cause) {
    super(message, cause);
  }
}
