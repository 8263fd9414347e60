package dev.kvx.scheduler.api;

/** A non-2xx answer of the API server: its HTTP code and the Status message. */
public final class ApiException extends RuntimeException {
  private final int code;

  public ApiException(String request, int code, String statusMessage) {
    super(request + ": " + code + " " + statusMessage, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
