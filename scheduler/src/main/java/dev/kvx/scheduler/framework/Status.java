package dev.kvx.scheduler.framework;

import java.util.List;
import java.util.Objects;

/**
 * The result of running a plugin (upstream {@code framework.Status}): a {@link Code}, the reasons
 * shown to users (e.g. {@code Insufficient cpu}) and the plugin that produced it.
 *
 * <p>Immutable. Unlike upstream, success is a value ({@link #success()}), never null.
 */
public final class Status {

  /** Status codes, as upstream's. */
  public enum Code {
    /** The plugin ran correctly and found the pod schedulable. */
    SUCCESS,
    /** An internal error: the pod is retried with backoff, reasons are not shown as a fit error. */
    ERROR,
    /** The pod does not fit now; preemption may help. */
    UNSCHEDULABLE,
    /** The pod does not fit and preemption on this node would not help. */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /** A PreFilter/PreScore plugin has nothing to do: its Filter/Score is skipped this cycle. */
    SKIP,
    /** A PreEnqueue plugin keeps the pod out of the active queue (e.g. scheduling gates). */
    PENDING
  }

  private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null, null);
  private static final Status SKIP = new Status(Code.SKIP, List.of(), null, null);

  private final Code code;
  private final List<String> reasons;
  private final Throwable error;
  private final String plugin;

  private Status(Code code, List<String> reasons, Throwable error, String plugin) {
    this.code = Objects.requireNonNull(code, "code");
    this.reasons = List.copyOf(reasons);
    this.error = error;
    this.plugin = plugin;
  }

  public static Status success() {
    return SUCCESS;
  }

  public static Status skip() {
    return SKIP;
  }

  public static Status of(Code code, String... reasons) {
    return new Status(code, List.of(reasons), null, null);
  }

  public static Status unschedulable(String... reasons) {
    return of(Code.UNSCHEDULABLE, reasons);
  }

  public static Status unschedulableAndUnresolvable(String... reasons) {
    return of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
  }

  public static Status pending(String... reasons) {
    return of(Code.PENDING, reasons);
  }

  public static Status error(String message) {
    return new Status(Code.ERROR, List.of(message), null, null);
  }

  /** An {@link Code#ERROR} carrying {@code cause} (upstream's {@code AsStatus}). */
  public static Status error(Throwable cause) {
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
    return new Status(Code.ERROR, List.of(message), cause, null);
  }

  /** This status attributed to {@code pluginName} (upstream's {@code WithPlugin}). */
  public Status withPlugin(String pluginName) {
    if (Objects.equals(plugin, pluginName)) {
      return this;
    }
    return new Status(code, reasons, error, pluginName);
  }

  public Code code() {
    return code;
  }

  public List<String> reasons() {
    return reasons;
  }

  /** The reasons joined with ", " (upstream's {@code Message}). */
  public String message() {
    return String.join(", ", reasons);
  }

  /** The plugin that returned this status, or null. */
  public String plugin() {
    return plugin;
  }

  /** The cause of an {@link Code#ERROR}, if one was given. */
  public Throwable error() {
    return error;
  }

  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  public boolean isSkip() {
    return code == Code.SKIP;
  }

  /** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was rejected, not failed. */
  public boolean isRejected() {
    return code == Code.UNSCHEDULABLE
        || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
        || code == Code.PENDING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s
        && s.code == code
        && s.reasons.equals(reasons)
        && Objects.equals(s.plugin, plugin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, reasons, plugin);
  }

  @Override
  public String toString() {
    return code
        + (reasons.isEmpty() ? "" : " " + reasons)
        + (plugin == null ? "" : " (" + plugin + ")");
  }
}
