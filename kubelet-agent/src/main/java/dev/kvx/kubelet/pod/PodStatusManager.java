package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes what the agent reports about pods (the kubelet's status manager): the status through a
 * merge patch of {@code pods/NAME/status} carrying the pod's UID (so a recreated pod of the same
 * name is not touched), skipped when nothing changed; and the final {@code DELETE} with grace
 * period 0 and a UID precondition once a deleted pod's containers are gone. Blocking.
 */
public final class PodStatusManager {
  private final KubernetesClient client;
  private final KubernetesSerialization serialization;

  public PodStatusManager(KubernetesClient client) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
  }

  /** Status as a generic map, to compare what we would write with what the server has. */
  Map<?, ?> normalize(PodStatus status) {
    return status == null ? Map.of() : serialization.convertValue(status, Map.class);
  }

  /**
   * Patches the status unless it equals the server's or the last one sent. Returns the map sent (or
   * the unchanged one), or null when the pod no longer exists.
   */
  Map<?, ?> update(Pod pod, PodStatus status, Map<?, ?> lastSent) {
    Map<?, ?> desired = normalize(status);
    if (desired.equals(normalize(pod.getStatus())) || desired.equals(lastSent)) {
      return desired;
    }
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("metadata", Map.of("uid", pod.getMetadata().getUid()));
    patch.put("status", desired);
    try {
      client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), serialization.asJson(patch));
      return desired;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Deletes the pod with grace period 0 and a UID precondition: the last step of a graceful
   * deletion, after the containers stopped. A pod already gone or replaced is fine.
   */
  void deleteFinally(Pod pod) throws Exception {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    String url =
        client.getMasterUrl().toString().replaceAll("/+$", "")
            + "/api/v1/namespaces/"
            + enc(ns)
            + "/pods/"
            + enc(name);
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("kind", "DeleteOptions");
    options.put("apiVersion", "v1");
    options.put("gracePeriodSeconds", 0);
    options.put("preconditions", Map.of("uid", pod.getMetadata().getUid()));
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(url)
            .method("DELETE", "application/json", serialization.asJson(options))
            .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("DELETE " + url + ": " + e.getMessage(), e);
    }
    int code = response.code();
    if (code != 200 && code != 202 && code != 404 && code != 409) {
      throw new IllegalStateException(
          "DELETE " + url + " answered " + code + ": " + response.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
