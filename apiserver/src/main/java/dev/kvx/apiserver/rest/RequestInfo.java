package dev.kvx.apiserver.rest;

import io.vertx.core.http.HttpMethod;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a resource request asks for, parsed from its path and method as apiserver's
 * RequestInfoFactory does: {@code /api/v1/namespaces/ns/pods/name/status}, {@code
 * /apis/apps/v1/deployments}, the legacy {@code /api/v1/watch/...} form, and so on.
 *
 * @param verb get, list, watch, create, update, patch, delete, deletecollection
 */
public record RequestInfo(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource,
    String verb) {

  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  /** Parses a resource path, or returns null when the path is not a resource request. */
  public static RequestInfo parse(HttpMethod method, String path, boolean watchParam) {
    List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    String version;
    int i;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      i = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      i = 3;
    } else {
      return null;
    }
    List<String> rest = parts.subList(i, parts.size());
    boolean legacyWatch = false;
    if (!rest.isEmpty() && rest.get(0).equals("watch")) {
      legacyWatch = true;
      rest = rest.subList(1, rest.size());
    }
    if (rest.isEmpty()) {
      return null;
    }
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      }
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : null;
    if ("namespaces".equals(resource) && name != null) {
      namespace = null; // a Namespace object itself is cluster-scoped
    }
    String verb;
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      if (legacyWatch || watchParam) {
        verb = "watch";
      } else {
        verb = name == null ? "list" : "get";
      }
    } else if (method == HttpMethod.POST) {
      verb = "create";
    } else if (method == HttpMethod.PUT) {
      verb = "update";
    } else if (method == HttpMethod.PATCH) {
      verb = "patch";
    } else if (method == HttpMethod.DELETE) {
      verb = name == null ? "deletecollection" : "delete";
    } else {
      verb = method.name().toLowerCase();
    }
    return new RequestInfo(group, version, namespace, resource, name, subresource, verb);
  }

  /** The verb as apiserver_request_total labels it (GET, LIST, WATCH, POST, …). */
  public String metricVerb() {
    return switch (verb) {
      case "get" -> "GET";
      case "list" -> "LIST";
      case "watch" -> "WATCH";
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> "PATCH";
      case "delete" -> "DELETE";
      case "deletecollection" -> "DELETECOLLECTION";
      default -> verb.toUpperCase();
    };
  }
}
