package dev.kvx.component.server;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The named checks behind /healthz, /livez and /readyz, grouped as k8s.io/apiserver groups them:
 * {@link #add} puts a check behind all three (like {@code AddHealthChecks}), {@link #addLivez} and
 * {@link #addReadyz} behind one. Every group starts with the {@code ping} check, which always
 * passes.
 *
 * <p>Thread-safe; checks may be added after the routes are mounted (e.g. once informers exist).
 * Names must be unique within a group.
 */
public final class HealthChecks {
  /** The check every group has, as upstream's {@code PingHealthz}. */
  public static final String PING = "ping";

  private final List<Named> healthz = new CopyOnWriteArrayList<>();
  private final List<Named> livez = new CopyOnWriteArrayList<>();
  private final List<Named> readyz = new CopyOnWriteArrayList<>();

  public HealthChecks() {
    add(PING, HealthCheck.of(() -> true));
  }

  /** Adds a check to /healthz, /livez and /readyz. */
  public HealthChecks add(String name, HealthCheck check) {
    Named named = new Named(name, check);
    put(healthz, named);
    put(livez, named);
    put(readyz, named);
    return this;
  }

  /** Adds a check to /livez only: failing it means the process should be restarted. */
  public HealthChecks addLivez(String name, HealthCheck check) {
    put(livez, new Named(name, check));
    return this;
  }

  /** Adds a check to /readyz only: failing it means the component should get no traffic yet. */
  public HealthChecks addReadyz(String name, HealthCheck check) {
    put(readyz, new Named(name, check));
    return this;
  }

  /** The checks of one group, in the order they were added. */
  public List<Named> group(Group group) {
    return switch (group) {
      case HEALTHZ -> List.copyOf(healthz);
      case LIVEZ -> List.copyOf(livez);
      case READYZ -> List.copyOf(readyz);
    };
  }

  private static synchronized void put(List<Named> group, Named named) {
    if (group.stream().anyMatch(n -> n.name().equals(named.name()))) {
      throw new IllegalArgumentException("duplicate health check " + named.name());
    }
    group.add(named);
  }

  /** The three endpoints; the name is the path segment and the word in "… check passed". */
  public enum Group {
    HEALTHZ("healthz"),
    LIVEZ("livez"),
    READYZ("readyz");

    private final String path;

    Group(String path) {
      this.path = path;
    }

    public String path() {
      return path;
    }
  }

  /** A check and its name. */
  public record Named(String name, HealthCheck check) {
    public Named {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(check, "check");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty health check name");
      }
    }
  }
}
