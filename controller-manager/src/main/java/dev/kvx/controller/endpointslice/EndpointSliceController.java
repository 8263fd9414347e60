package dev.kvx.controller.endpointslice;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Keys;
import dev.kvx.component.controller.Owners;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.common.ServiceEnqueuer;
import dev.kvx.controller.common.ServicePods;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The EndpointSlice controller: keeps the EndpointSlices of each Service with a selector
 * ({@code kubernetes.io/service-name}, managed by {@code endpointslice-controller.k8s.io}, owned by
 * the Service) equal to {@link EndpointSlices#desired}, updating slices in place where the ports
 * match so clients watching slices see few changes.
 *
 * <p>Like upstream's EndpointSlice tracker, it remembers the slices it created until its informer
 * shows them: a sync that comes sooner (another pod event) would otherwise find no slice and create
 * a second one. Such a sync is put off a little instead; and a slice appearing in the informer
 * queues its Service, so a duplicate that slipped in anyway (another manager's restart) is removed.
 */
public final class EndpointSliceController implements Reconciler {
  public static final String NAME = "endpointslice-controller";
  static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String CONTROLLER_NAME = "endpointslice-controller.k8s.io";
  static final String LAST_CHANGE = "endpoints.kubernetes.io/last-change-trigger-time";
  static final int WORKERS = 5;
  /** How long a sync waits for the informer to show a slice this controller just created. */
  static final Duration CACHE_WAIT = Duration.ofMillis(100);
  /** How long at most: a slice deleted before the informer saw it never shows up. */
  static final Duration CACHE_WAIT_LIMIT = Duration.ofSeconds(10);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "endpointslice", ctx -> new EndpointSliceController(ctx).controller);

  private final KubernetesClient client;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<EndpointSlice> slices;
  private final dev.kvx.component.clock.Clock clock;
  private final Controller controller;
  /**
   * Per Service key, the slices created but not yet seen in the informer, with the System.nanoTime
   * after which the controller stops waiting for one (it may have been deleted before it was seen).
   */
  private final Map<String, Map<String, Long>> unseenCreates = new ConcurrentHashMap<>();

  EndpointSliceController(ControllerContext ctx) {
    this.client = ctx.client();
    this.clock = ctx.clock();
    var svcInformer = ctx.informers().informerFor(Service.class);
    var podInformer = ctx.informers().informerFor(Pod.class);
    var sliceInformer = ctx.informers().informerFor(EndpointSlice.class);
    this.services = new Lister<>(svcInformer.getIndexer());
    this.pods = new Lister<>(podInformer.getIndexer());
    this.slices = new Lister<>(sliceInformer.getIndexer());
    this.controller = ctx.controller("endpoint_slice", this).workers(WORKERS).build();
    svcInformer.addEventHandler(controller.enqueueHandler());
    podInformer.addEventHandler(new ServiceEnqueuer(services, controller));
    // Someone else changed or deleted one of our slices: put it right.
    sliceInformer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(EndpointSlice s) {
        enqueueService(s);
      }

      @Override
      public void onUpdate(EndpointSlice old, EndpointSlice s) {
        enqueueService(s);
      }

      @Override
      public void onDelete(EndpointSlice s, boolean unknown) {
        enqueueService(s);
      }
    });
  }

  private void enqueueService(EndpointSlice s) {
    Map<String, String> l = s.getMetadata().getLabels();
    if (l != null && CONTROLLER_NAME.equals(l.get(MANAGED_BY)) && l.get(SERVICE_NAME) != null) {
      controller.enqueueKey(Keys.of(s.getMetadata().getNamespace(), l.get(SERVICE_NAME)));
    }
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public Result reconcile(String key) {
    Keys.NamespacedName nn = Keys.split(key);
    Service svc = services.namespace(nn.namespace()).get(nn.name());
    if (svc == null || !ServicePods.hasSelector(svc)) {
      unseenCreates.remove(key);
      return Result.DONE; // owned slices of a deleted Service go with the garbage collector
    }
    if (!cacheHasCreated(key, nn.namespace())) {
      return Result.requeueAfter(CACHE_WAIT);
    }
    List<EndpointSlice> existing = new ArrayList<>(slices.namespace(nn.namespace()).list().stream()
        .filter(s -> s.getMetadata().getLabels() != null
            && nn.name().equals(s.getMetadata().getLabels().get(SERVICE_NAME))
            && CONTROLLER_NAME.equals(s.getMetadata().getLabels().get(MANAGED_BY)))
        .toList());
    Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels());
    labels.put(SERVICE_NAME, nn.name());
    labels.put(MANAGED_BY, CONTROLLER_NAME);
    for (EndpointSlices.Desired want : EndpointSlices.desired(svc, ServicePods.selected(svc, pods))) {
      EndpointSlice match = existing.stream().filter(s -> Objects.equals(emptyIfNull(s.getPorts()), want.ports())).findFirst().orElse(null);
      if (match != null) {
        existing.remove(match);
        if (Objects.equals(emptyIfNull(match.getEndpoints()), want.endpoints()) && labels.equals(match.getMetadata().getLabels())) {
          continue;
        }
        EndpointSlice copy = JSON.clone(match);
        copy.setEndpoints(want.endpoints());
        copy.setPorts(want.ports());
        copy.getMetadata().setLabels(labels);
        annotate(copy);
        client.discovery().v1().endpointSlices().inNamespace(nn.namespace()).resource(copy).update();
      } else {
        EndpointSlice slice = new EndpointSliceBuilder()
            .withNewMetadata().withNamespace(nn.namespace()).withGenerateName(nn.name() + "-")
            .withLabels(labels).withOwnerReferences(Owners.controllerRef(svc)).endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(want.endpoints())
            .withPorts(want.ports())
            .build();
        annotate(slice);
        try {
          EndpointSlice created =
              client.discovery().v1().endpointSlices().inNamespace(nn.namespace()).resource(slice).create();
          unseenCreates.computeIfAbsent(key, k -> new ConcurrentHashMap<>())
              .put(created.getMetadata().getName(), System.nanoTime() + CACHE_WAIT_LIMIT.toNanos());
        } catch (KubernetesClientException e) {
          if (e.getCode() != 403) { // 403: the namespace is terminating
            throw e;
          }
        }
      }
    }
    for (EndpointSlice stale : existing) {
      try {
        client.discovery().v1().endpointSlices().inNamespace(nn.namespace()).withName(stale.getMetadata().getName()).delete();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
      }
    }
    return Result.DONE;
  }

  /** Whether the informer shows every slice this controller created for the Service. */
  private boolean cacheHasCreated(String key, String namespace) {
    Map<String, Long> unseen = unseenCreates.get(key);
    if (unseen == null) {
      return true;
    }
    long now = System.nanoTime();
    unseen.entrySet().removeIf(e ->
        slices.namespace(namespace).get(e.getKey()) != null || now - e.getValue() > 0);
    if (unseen.isEmpty()) {
      unseenCreates.remove(key, unseen);
      return true;
    }
    return false;
  }

  private void annotate(EndpointSlice s) {
    Map<String, String> a = s.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(s.getMetadata().getAnnotations());
    a.put(LAST_CHANGE, Times.format(clock.now()));
    s.getMetadata().setAnnotations(a);
  }

  private static <T> List<T> emptyIfNull(List<T> l) {
    return l == null ? List.of() : l;
  }
}
