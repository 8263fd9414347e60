package dev.kvx.controller.namespace;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.common.ResourceCatalog;
import dev.kvx.controller.common.SlowStart;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Empties a terminating namespace and then finalizes it (upstream's {@code
 * NamespacedResourcesDeleter}): marks it Terminating, deletes every object of every namespaced
 * type, reports what is left in conditions, and once nothing is left removes the {@code
 * kubernetes} finalizer through {@code PUT /api/v1/namespaces/NAME/finalize}.
 */
final class NamespaceReconciler implements Reconciler {
  static final String FINALIZER = "kubernetes";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final KubernetesClient client;
  private final Lister<Namespace> namespaces;
  private final Supplier<ResourceCatalog> catalog;
  private final Clock clock;

  NamespaceReconciler(KubernetesClient client, Lister<Namespace> namespaces, Supplier<ResourceCatalog> catalog, Clock clock) {
    this.client = client;
    this.namespaces = namespaces;
    this.catalog = catalog;
    this.clock = clock;
  }

  @Override
  public Result reconcile(String name) throws Exception {
    Namespace cached = namespaces.get(name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() == null) {
      return Result.DONE;
    }
    Namespace ns = JSON.clone(cached);
    if (!"Terminating".equals(ns.getStatus() == null ? null : ns.getStatus().getPhase())) {
      ns = updateStatus(ns, s -> s.setPhase("Terminating"));
    }
    List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
    if (!finalizers.contains(FINALIZER)) {
      return Result.DONE; // finalized already; other finalizers are someone else's
    }
    NamespaceConditions.Outcome outcome;
    long estimate = 0;
    String discoveryError = null;
    List<String> deleteErrors = new ArrayList<>();
    Map<String, Integer> remaining = new HashMap<>();
    Map<String, Integer> byFinalizer = new HashMap<>();
    ResourceCatalog types = null;
    try {
      types = catalog.get();
    } catch (KubernetesClientException e) {
      discoveryError = e.getMessage();
    }
    if (types != null) {
      // One type per call, all types at once: a namespace with many types empties in one round trip time.
      List<ResourceDefinitionContext> namespaced = types.namespaced();
      java.util.concurrent.atomic.AtomicLong maxEstimate = new java.util.concurrent.atomic.AtomicLong();
      SlowStart.parallel(namespaced.size(), i -> {
        ResourceDefinitionContext type = namespaced.get(i);
        String resource = type.getPlural() + "." + (type.getGroup() == null ? "" : type.getGroup());
        try {
          client.genericKubernetesResources(type).inNamespace(name).delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404 && e.getCode() != 405) {
            synchronized (deleteErrors) {
              deleteErrors.add(resource + ": " + e.getMessage());
            }
          }
        }
        List<GenericKubernetesResource> left;
        try {
          left = client.genericKubernetesResources(type).inNamespace(name).list().getItems();
        } catch (KubernetesClientException e) {
          synchronized (deleteErrors) {
            deleteErrors.add(resource + ": " + e.getMessage());
          }
          return null;
        }
        synchronized (remaining) {
          if (!left.isEmpty()) {
            remaining.put(resource, left.size());
          }
          for (GenericKubernetesResource o : left) {
            if (o.getMetadata().getFinalizers() != null) {
              o.getMetadata().getFinalizers().forEach(f -> byFinalizer.merge(f, 1, Integer::sum));
            }
            maxEstimate.accumulateAndGet(gracefulEstimate(o, clock.now()), Math::max);
          }
        }
        return null;
      });
      estimate = maxEstimate.get();
    }
    outcome = new NamespaceConditions.Outcome(discoveryError, deleteErrors, remaining, byFinalizer);
    List<NamespaceCondition> conditions = NamespaceConditions.build(outcome, ns.getStatus().getConditions(), clock.now());
    if (!Objects.equals(conditions, ns.getStatus().getConditions())) {
      ns = updateStatus(ns, s -> s.setConditions(conditions));
    }
    if (discoveryError != null || !deleteErrors.isEmpty()) {
      throw new IllegalStateException("namespace " + name + " not emptied: " + (discoveryError != null ? discoveryError : deleteErrors));
    }
    if (!remaining.isEmpty()) {
      // Wait for graceful deletions and finalizers, as upstream's ResourcesRemainingError.
      return Result.requeueAfter(Duration.ofSeconds(estimate > 0 ? estimate / 2 + 1 : 2));
    }
    finalizeNamespace(ns);
    return Result.DONE;
  }

  // Seconds until a gracefully deleted object (a pod) is due to go.
  private static long gracefulEstimate(GenericKubernetesResource o, Instant now) {
    Instant deadline = Times.parse(o.getMetadata().getDeletionTimestamp());
    if (deadline == null) {
      return 0;
    }
    return Math.max(0, Duration.between(now, deadline).getSeconds());
  }

  private void finalizeNamespace(Namespace ns) {
    List<String> rest = new ArrayList<>(ns.getSpec().getFinalizers());
    rest.remove(FINALIZER);
    Namespace body = JSON.clone(ns);
    body.getSpec().setFinalizers(rest);
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + ns.getMetadata().getName() + "/finalize";
    var request = client.getHttpClient().newHttpRequestBuilder()
        .uri(url)
        .put("application/json", JSON.asJson(body))
        .build();
    io.fabric8.kubernetes.client.http.HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("finalize namespace " + ns.getMetadata().getName() + ": " + e, e);
    }
    if (response.code() == 404 && response.body() != null && response.body().contains("\"NotFound\"")
        && !response.body().contains("namespaces")) {
      throw new IllegalStateException("the API server does not serve namespaces/finalize");
    }
    if (response.code() >= 300 && response.code() != 404) {
      throw new IllegalStateException("finalize namespace " + ns.getMetadata().getName() + ": HTTP " + response.code() + " " + response.body());
    }
  }

  private Namespace updateStatus(Namespace ns, java.util.function.Consumer<io.fabric8.kubernetes.api.model.NamespaceStatus> change) {
    for (int attempt = 0; ; attempt++) {
      Namespace copy = JSON.clone(ns);
      if (copy.getStatus() == null) {
        copy.setStatus(new io.fabric8.kubernetes.api.model.NamespaceStatus());
      }
      change.accept(copy.getStatus());
      try {
        return client.namespaces().resource(copy).updateStatus();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 2) {
          throw e;
        }
        ns = client.namespaces().withName(ns.getMetadata().getName()).get();
        if (ns == null) {
          throw e;
        }
      }
    }
  }
}
