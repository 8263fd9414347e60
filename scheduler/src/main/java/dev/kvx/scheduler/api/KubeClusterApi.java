package dev.kvx.scheduler.api;

import dev.kvx.component.clock.Clock;
import dev.kvx.scheduler.framework.ClusterApi;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's API writes over fabric8's asynchronous HTTP client (the client's TLS, auth and
 * user agent), so that thousands of binds in flight hold no threads:
 *
 * <ul>
 *   <li>{@code POST /api/v1/namespaces/NS/pods/NAME/binding} with a {@code v1.Binding}, as
 *       upstream's DefaultBinder;
 *   <li>{@code PATCH pods/NAME/status} (strategic merge) for the PodScheduled condition and
 *       nominatedNodeName;
 *   <li>preemption: DisruptionTarget condition, Preempted event, {@code DELETE} of the victim;
 *   <li>core/v1 Events through the {@link EventRecorder}.
 * </ul>
 *
 * <p>Futures complete on the client's I/O threads.
 */
public final class KubeClusterApi implements ClusterApi {
  private static final Logger LOG = LoggerFactory.getLogger(KubeClusterApi.class);
  static final String JSON = "application/json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final int MAX_WRITES_IN_FLIGHT = 64;

  private final HttpClient http;
  private final KubernetesSerialization serialization;
  private final String baseUrl;
  private final Clock clock;
  private final EventRecorder events;
  // Binds, status patches and evictions: all of them, in order, at most this many at a time.
  private final RequestLimiter writes = new RequestLimiter(MAX_WRITES_IN_FLIGHT, -1);

  public KubeClusterApi(KubernetesClient client, Clock clock, String reportingInstance) {
    this.http = client.getHttpClient();
    this.serialization = client.getKubernetesSerialization();
    String master = client.getMasterUrl().toString();
    this.baseUrl = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
    this.clock = clock;
    this.events = new EventRecorder(this, clock, reportingInstance);
  }

  @Override
  public CompletableFuture<Void> bind(Pod pod, String nodeName) {
    Map<String, Object> binding = new LinkedHashMap<>();
    binding.put("apiVersion", "v1");
    binding.put("kind", "Binding");
    binding.put(
        "metadata",
        Map.of(
            "name", pod.getMetadata().getName(),
            "namespace", pod.getMetadata().getNamespace(),
            "uid", pod.getMetadata().getUid()));
    binding.put("target", Map.of("apiVersion", "v1", "kind", "Node", "name", nodeName));
    return writes.submit(() -> send("POST", podPath(pod) + "/binding", JSON, binding));
  }

  @Override
  public CompletableFuture<Void> updatePodStatus(
      Pod pod, PodCondition condition, String nominatedNodeName) {
    Map<String, Object> patch = PodStatusPatch.of(pod, condition, nominatedNodeName, clock.now());
    if (patch == null) {
      return CompletableFuture.completedFuture(null);
    }
    return writes.submit(
        () -> send("PATCH", podPath(pod) + "/status", STRATEGIC_MERGE_PATCH, patch));
  }

  @Override
  public CompletableFuture<Void> preempt(Pod victim, Pod preemptor, String nodeName) {
    PodCondition disruption =
        new PodConditionBuilder()
            .withType("DisruptionTarget")
            .withStatus("True")
            .withReason("PreemptionByScheduler")
            .withMessage("default-scheduler: preempting to accommodate a higher priority pod")
            .build();
    Map<String, Object> patch = PodStatusPatch.of(victim, disruption, null, clock.now());
    CompletableFuture<Void> marked =
        patch == null
            ? CompletableFuture.completedFuture(null)
            : writes.submit(
                () -> send("PATCH", podPath(victim) + "/status", STRATEGIC_MERGE_PATCH, patch));
    return marked
        .exceptionally(
            e -> {
              // The condition is informative; a failure must not stop the eviction.
              LOG.debug(
                  "Marking {} as a disruption target failed: {}",
                  victim.getMetadata().getName(),
                  e.toString());
              return null;
            })
        .thenCompose(
            v -> {
              recordEvent(
                  victim,
                  "Normal",
                  "Preempted",
                  "Preempting",
                  "Preempted by pod " + preemptor.getMetadata().getUid() + " on node " + nodeName);
              CompletableFuture<Void> deleted =
                  writes.submit(
                      () ->
                          send(
                              "DELETE",
                              podPath(victim),
                              JSON,
                              Map.of("apiVersion", "v1", "kind", "DeleteOptions")));
              return deleted.exceptionally(
                  e -> {
                    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    if (cause instanceof ApiException a && a.code() == 404) {
                      return null; // already gone
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                  });
            });
  }

  @Override
  public void recordEvent(Pod pod, String type, String reason, String action, String message) {
    events.record(pod, type, reason, action, message);
  }

  /**
   * Sends {@code body} as JSON; completes exceptionally with an {@link ApiException} on non-2xx.
   */
  CompletableFuture<Void> send(String method, String path, String contentType, Object body) {
    String json = serialization.asJson(body);
    HttpRequest request =
        http.newHttpRequestBuilder().uri(baseUrl + path).method(method, contentType, json).build();
    return http.sendAsync(request, String.class)
        .thenApply(response -> check(method, path, response));
  }

  private Void check(String method, String path, HttpResponse<String> response) {
    if (response.isSuccessful()) {
      return null;
    }
    String message = response.body();
    try {
      Status status = serialization.unmarshal(response.body(), Status.class);
      if (status != null && status.getMessage() != null) {
        message = status.getMessage();
      }
    } catch (RuntimeException e) {
      // Not a Status body: keep the raw text.
    }
    throw new ApiException(method + " " + path, response.code(), message);
  }

  static String podPath(Pod pod) {
    return "/api/v1/namespaces/"
        + encode(pod.getMetadata().getNamespace())
        + "/pods/"
        + encode(pod.getMetadata().getName());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
