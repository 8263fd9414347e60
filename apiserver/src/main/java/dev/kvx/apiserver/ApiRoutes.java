package dev.kvx.apiserver;

import dev.kvx.apiserver.auth.Authenticator;
import dev.kvx.apiserver.auth.Pki;
import dev.kvx.apiserver.auth.ServerTls;
import dev.kvx.apiserver.auth.UserInfo;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.crd.CustomResourceScale;
import dev.kvx.apiserver.crd.CustomResources;
import dev.kvx.apiserver.discovery.Discovery;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.openapi.OpenApiV2;
import dev.kvx.apiserver.openapi.OpenApiV3;
import dev.kvx.apiserver.protobuf.ProtobufBodies;
import dev.kvx.apiserver.proxy.KubeletProxy;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.ApiMetrics;
import dev.kvx.apiserver.rest.BodyDecoder;
import dev.kvx.apiserver.rest.NamespaceLifecycle;
import dev.kvx.apiserver.rest.ObjectStore;
import dev.kvx.apiserver.rest.RequestInfo;
import dev.kvx.apiserver.rest.ResourceHandler;
import dev.kvx.apiserver.rest.ResourceOperations;
import dev.kvx.apiserver.rest.Responses;
import dev.kvx.apiserver.service.ServiceAllocations;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.strategy.Strategies;
import dev.kvx.apiserver.subresource.NamespaceFinalize;
import dev.kvx.apiserver.subresource.PodBinding;
import dev.kvx.apiserver.subresource.PodEviction;
import dev.kvx.apiserver.subresource.Scale;
import dev.kvx.apiserver.table.TableConvertor;
import dev.kvx.component.metrics.Metrics;
import dev.kvx.component.server.ComponentRoutes;
import dev.kvx.component.server.HealthCheck;
import dev.kvx.component.server.HealthChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Wires the API server's HTTP surface: authentication, request metrics, body limits, health and
 * metrics endpoints, discovery, OpenAPI and the resource handler, in kube-apiserver's order.
 */
final class ApiRoutes {

  /** Paths kube-apiserver's RBAC bootstrap lets anyone read (system:public-info-viewer). */
  private static final Set<String> PUBLIC = Set.of("/healthz", "/livez", "/readyz", "/version");
  static final String USER_KEY = "kvx.user";

  private final Vertx vertx;
  private final ApiServerOptions options;
  private final ResourceRegistry registry;
  private final Storage storage;
  private final WatchCache cache;
  private final Pki pki;
  private final Metrics metrics;
  private final ApiMetrics apiMetrics;
  private final Authenticator authenticator;
  private final ResourceOperations ops;
  private final ResourceHandler resources;
  private final Discovery discovery;
  private final OpenApiV3 openApi;
  private final OpenApiV2 openApiV2;
  private final ServiceAllocations services;

  ApiRoutes(Vertx vertx, ApiServerOptions options, ResourceRegistry registry, Storage storage,
      WatchCache cache, Pki pki, Metrics metrics) {
    this.vertx = vertx;
    this.options = options;
    this.registry = registry;
    this.storage = storage;
    this.cache = cache;
    this.pki = pki;
    this.metrics = metrics;
    this.apiMetrics = new ApiMetrics(metrics.registry());
    this.authenticator = new Authenticator(pki);
    authenticator.warmUp();
    ObjectStore store = new ObjectStore(storage);
    this.services = new ServiceAllocations(storage, options.serviceClusterIpRange());
    store.addHook(services);
    ResourceType namespaces = registry.find("", "v1", "namespaces").orElseThrow();
    Strategies strategies = new Strategies(new CachedPriorityClasses(cache,
        registry.find("scheduling.k8s.io", "v1", "priorityclasses").orElseThrow()));
    this.ops = new ResourceOperations(store, strategies, new NamespaceLifecycle(cache, store, namespaces));
    TableConvertor tables = new TableConvertor();
    this.resources = new ResourceHandler(vertx, registry, ops, cache,
        new BodyDecoder(ProtobufBodies::decode),
        (type, objects, includeObject, rv, cont, v1beta1, withColumns) ->
            tables.toTable(type, objects, includeObject, rv, cont, Instant.now(), v1beta1, withColumns));
    this.resources.watches().bindMetrics(metrics.registry());
    this.resources.addSubresource(new PodBinding());
    this.resources.addSubresource(new PodEviction(registry, cache));
    this.resources.addSubresource(new CustomResourceScale(cache)); // before Scale: CRDs name their own paths
    this.resources.addSubresource(new Scale());
    this.resources.addSubresource(new NamespaceFinalize());
    this.resources.addSubresource(new KubeletProxy(vertx, registry, pki)); // pods/log, exec, attach
    this.discovery = new Discovery(registry);
    this.openApi = new OpenApiV3(registry);
    this.ops.trackManagedFields(openApi.catalog());
    this.openApiV2 = new OpenApiV2(registry, openApi.catalog());
    openApi.warmUp();
    new CustomResources(vertx, registry, cache, ops, strategies, tables).start();
  }

  HttpServerOptions tls(HttpServerOptions http) {
    return ServerTls.apply(http, pki).setWebSocketSubProtocols(KubeletProxy.WEBSOCKET_SUBPROTOCOLS);
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::recordMetrics);
    router.route().handler(this::authenticate);
    router.route().handler(BodyHandler.create(false).setBodyLimit(ApiServerOptions.MAX_REQUEST_BODY_BYTES));

    HealthChecks health = new HealthChecks()
        .add("etcd", () -> storage.currentRevision().mapEmpty())
        .addReadyz("watch-cache", HealthCheck.of(cache::isReady));
    ComponentRoutes.mount(router, health, metrics.registry());

    router.get("/version").handler(rc -> Responses.json(rc, 200, discovery.version()));
    router.get("/api").handler(rc -> discoveryRoot(rc, true));
    router.get("/apis").handler(rc -> discoveryRoot(rc, false));
    router.get("/api/:version").handler(rc -> groupVersion(rc, "", rc.pathParam("version")));
    router.get("/apis/:group").handler(rc -> {
      ObjectNode g = discovery.apiGroup(rc.pathParam("group"));
      respondOr404(rc, g);
    });
    router.get("/apis/:group/:version").handler(rc -> groupVersion(rc, rc.pathParam("group"), rc.pathParam("version")));
    router.get("/openapi/v2").handler(this::openApiV2);
    router.get("/swagger-2.0.0.pb-v1").handler(this::openApiV2);
    router.get("/openapi/v3").handler(rc -> vertx.executeBlocking(openApi::index, false)
        .onSuccess(index -> Responses.json(rc, 200, index)).onFailure(e -> Responses.error(rc, e)));
    router.get("/openapi/v3/api/:version").handler(rc -> vertx.executeBlocking(() -> openApi.hash("", rc.pathParam("version")), false)
        .onComplete(h -> openApi.serve(rc, "", rc.pathParam("version"))));
    router.get("/openapi/v3/apis/:group/:version").handler(rc -> vertx.executeBlocking(() -> openApi.hash(rc.pathParam("group"), rc.pathParam("version")), false)
        .onComplete(h -> openApi.serve(rc, rc.pathParam("group"), rc.pathParam("version"))));
    router.route("/api/*").handler(resources);
    router.route("/apis/*").handler(resources);
    router.route().handler(rc -> Responses.error(rc, Statuses.pathNotFound(rc.normalizedPath())));
    router.route().failureHandler(this::failure);
    return router;
  }

  private void discoveryRoot(RoutingContext rc, boolean core) {
    String form = Discovery.negotiate(rc.request().getHeader("Accept"));
    if (form.equals("legacy")) {
      Responses.json(rc, 200, core ? discovery.apiVersions(serverAddress(rc)) : discovery.apiGroupList());
    } else {
      Responses.send(rc, 200, Discovery.contentType(form),
          Buffer.buffer(Json.bytes(discovery.aggregated(core, form))));
    }
  }

  private static String serverAddress(RoutingContext rc) {
    return rc.request().authority() == null ? "" : rc.request().authority().toString();
  }

  private void groupVersion(RoutingContext rc, String group, String version) {
    respondOr404(rc, discovery.apiResourceList(group, version));
  }

  private void openApiDoc(RoutingContext rc, String group, String version) {
    ObjectNode doc = openApi.document(group, version);
    if (doc == null) {
      Responses.error(rc, Statuses.pathNotFound(rc.normalizedPath()));
      return;
    }
    rc.response().putHeader("Cache-Control", "public, immutable");
    Responses.json(rc, 200, doc);
  }

  private void openApiV2(RoutingContext rc) {
    String accept = rc.request().getHeader("Accept");
    if (accept != null && accept.contains("protobuf")) {
      vertx.executeBlocking(openApiV2::protobufBytes, false).onSuccess(b ->
          Responses.send(rc, 200, OpenApiV2.PROTOBUF, Buffer.buffer(b)));
    } else {
      vertx.executeBlocking(openApiV2::jsonBytes, false).onSuccess(b ->
          Responses.send(rc, 200, Responses.JSON, Buffer.buffer(b)));
    }
  }

  private static void respondOr404(RoutingContext rc, ObjectNode body) {
    if (body == null) {
      Responses.error(rc, Statuses.pathNotFound(rc.normalizedPath()));
    } else {
      Responses.json(rc, 200, body);
    }
  }

  private void authenticate(RoutingContext rc) {
    Optional<UserInfo> user = authenticator.authenticate(rc.request());
    if (user.isPresent()) {
      rc.put(USER_KEY, user.get());
      rc.next();
      return;
    }
    String path = rc.normalizedPath();
    if (PUBLIC.contains(path) || path.startsWith("/livez/") || path.startsWith("/readyz/") || path.startsWith("/healthz/")) {
      rc.next();
      return;
    }
    Responses.error(rc, Statuses.unauthorized("Unauthorized"));
  }

  private void recordMetrics(RoutingContext rc) {
    long start = System.nanoTime();
    rc.addEndHandler(v -> {
      RequestInfo info = rc.get(ResourceHandler.INFO_KEY);
      if (info == null) {
        return; // non-resource requests (discovery, health) are not broken out upstream either
      }
      String scope = info.name() != null ? "resource" : info.namespace() != null ? "namespace" : "cluster";
      apiMetrics.record(info, scope, rc.response().getStatusCode(), System.nanoTime() - start);
    });
    rc.next();
  }

  private void failure(RoutingContext rc) {
    if (rc.failure() != null) {
      Responses.error(rc, rc.failure());
    } else if (rc.statusCode() == 413) {
      Responses.error(rc, Statuses.requestEntityTooLarge("the request body is larger than the limit of "
          + ApiServerOptions.MAX_REQUEST_BODY_BYTES + " bytes"));
    } else {
      int code = rc.statusCode() < 400 ? 500 : rc.statusCode();
      Responses.error(rc, code == 404 ? Statuses.pathNotFound(rc.normalizedPath())
          : code < 500 ? Statuses.badRequest("bad request (" + code + ")") : Statuses.internalError("status " + code));
    }
  }

  /**
   * Creates what every cluster has: the namespaces default, kube-system, kube-public and
   * kube-node-lease, and the {@code default/kubernetes} Service with Endpoints pointing here.
   */
  Future<Void> bootstrap(int port) {
    ResourceType ns = registry.find("", "v1", "namespaces").orElseThrow();
    List<Future<?>> all = new ArrayList<>();
    for (String name : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      ObjectNode obj = Json.object();
      obj.put("apiVersion", "v1");
      obj.put("kind", "Namespace");
      obj.putObject("metadata").put("name", name);
      all.add(ensure(ns, null, name, obj));
    }
    return Future.all(all).compose(v -> kubernetesService(port)).mapEmpty();
  }

  private Future<?> kubernetesService(int port) {
    ResourceType svcType = registry.find("", "v1", "services").orElseThrow();
    ResourceType epType = registry.find("", "v1", "endpoints").orElseThrow();
    ObjectNode svc = Json.object();
    svc.put("apiVersion", "v1");
    svc.put("kind", "Service");
    ObjectNode meta = svc.putObject("metadata");
    meta.put("name", "kubernetes");
    meta.put("namespace", "default");
    meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP");
    spec.put("clusterIP", services.kubernetesServiceIp());
    spec.put("sessionAffinity", "None");
    spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", port);
    String address = options.bindAddress().equals("0.0.0.0") || options.bindAddress().equals("::")
        ? "127.0.0.1" : options.bindAddress();
    ObjectNode ep = Json.object();
    ep.put("apiVersion", "v1");
    ep.put("kind", "Endpoints");
    ep.putObject("metadata").put("name", "kubernetes").put("namespace", "default")
        .putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
    ObjectNode subset = ep.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", address);
    subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    return ensure(svcType, "default", "kubernetes", svc)
        .compose(v -> ops.store().get(epType, "default", "kubernetes")
            .compose(current -> ops.guaranteedUpdate(epType, "default", "kubernetes", null, false, cur -> {
              cur.set("subsets", ep.get("subsets").deepCopy());
              return cur;
            }))
            .recover(e -> Statuses.isNotFound(e) ? ops.create(epType, "default", ep, false) : Future.failedFuture(e)));
  }

  private Future<?> ensure(ResourceType type, String namespace, String name, ObjectNode obj) {
    return ops.store().get(type, namespace, name)
        .recover(e -> Statuses.isNotFound(e) ? ops.create(type, namespace, obj, false) : Future.failedFuture(e))
        .recover(e -> Statuses.isAlreadyExists(e) ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
