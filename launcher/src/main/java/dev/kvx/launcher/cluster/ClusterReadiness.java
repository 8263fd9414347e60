package dev.kvx.launcher.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Waits until a cluster is usable, as kind's and k3s' start-up waits do: the API server answers
 * {@code /readyz} with {@code ok}, then every expected Node reports the condition Ready=True.
 * Checks run through the API (fabric8's blocking calls on a worker thread), every {@link #PERIOD}
 * until the deadline; each node is reported once when it turns Ready.
 */
final class ClusterReadiness {

  static final Duration PERIOD = Duration.ofMillis(50);

  private final Vertx vertx;
  private final KubernetesClient client;
  private final Consumer<String> progress;
  private final BooleanSupplier cancelled;

  /**
   * @param cancelled true once the cluster stops: waiting ends at once
   */
  ClusterReadiness(
      Vertx vertx, KubernetesClient client, Consumer<String> progress, BooleanSupplier cancelled) {
    this.vertx = vertx;
    this.client = client;
    this.progress = progress;
    this.cancelled = cancelled;
  }

  /** Completes once {@code /readyz} answers ok; fails after {@code timeout}. */
  Future<Void> apiReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return poll(deadline, "the API server's /readyz", () -> "ok".equals(readyz()));
  }

  /** Completes once every node of {@code names} is Ready; fails after {@code timeout}. */
  Future<Void> nodesReady(Collection<String> names, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> waiting = new LinkedHashSet<>(names);
    return poll(
        deadline,
        "nodes " + waiting + " to turn Ready",
        () -> {
          for (Node n : client.nodes().list().getItems()) {
            String name = n.getMetadata().getName();
            if (waiting.contains(name) && isReady(n)) {
              waiting.remove(name);
              progress.accept("node " + name + " Ready");
            }
          }
          return waiting.isEmpty();
        });
  }

  /** Whether the Node's Ready condition is True. */
  static boolean isReady(Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    return node.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String readyz() {
    try {
      String body = client.raw("/readyz");
      return body == null ? null : body.strip();
    } catch (RuntimeException e) {
      return null; // not listening yet, or not ready: the next poll asks again
    }
  }

  private Future<Void> poll(long deadline, String what, Check check) {
    Promise<Void> done = Promise.promise();
    attempt(deadline, what, check, done);
    return done.future();
  }

  private void attempt(long deadline, String what, Check check, Promise<Void> done) {
    if (cancelled.getAsBoolean()) {
      done.fail(new IllegalStateException("cluster stopped while waiting for " + what));
      return;
    }
    vertx
        .executeBlocking(check::ok, false)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                done.complete();
              } else if (System.nanoTime() > deadline) {
                String cause = ar.failed() ? " (last error: " + ar.cause() + ")" : "";
                done.fail(new TimeoutException("Timed out waiting for " + what + cause));
              } else {
                vertx.setTimer(PERIOD.toMillis(), t -> attempt(deadline, what, check, done));
              }
            });
  }

  /** One readiness check; blocking. */
  private interface Check {
    boolean ok() throws Exception;
  }
}
