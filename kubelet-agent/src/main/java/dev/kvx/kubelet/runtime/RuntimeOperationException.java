package dev.kvx.kubelet.runtime;

/** A runtime call that failed; {@link #notFound()} when the object does not exist. */
public class RuntimeOperationException extends RuntimeException {
  private final boolean notFound;

  public RuntimeOperationException(String message, Throwable cause) {
    this(message, cause, false);
  }

  public RuntimeOperationException(String message, Throwable cause, boolean notFound) {
    super(message, cause);
    this.notFound = notFound;
  }

  public boolean notFound() {
    return notFound;
  }
}
