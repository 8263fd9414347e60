package dev.kvx.apiserver.discovery;

import dev.kvx.apiserver.discovery.MediaRanges.MediaRange;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The discovery documents of kube-apiserver 1.32 for the resources in a {@link ResourceRegistry}:
 * {@code /version}, the legacy {@code /api}, {@code /apis}, {@code /apis/<group>},
 * {@code /api/v1} and {@code /apis/<group>/<version>}, and aggregated discovery ({@code
 * apidiscovery.k8s.io} v2 and v2beta1) for {@code /api} and {@code /apis}.
 *
 * <p>Documents are computed once and cached until the registry adds or removes a resource (a CRD
 * established or deleted). Every method returns a fresh copy the caller may change. Thread-safe,
 * non-blocking.
 *
 * <p>Serve each document with the Content-Type {@link #contentType(String)} gives for the form
 * {@link #negotiate(String)} chose, and {@code Vary: Accept}: kubectl treats an aggregated body
 * under a plain JSON Content-Type, or a 406, as fatal.
 */
public final class Discovery {

  /** Aggregated discovery, apidiscovery.k8s.io/v2 (kubectl ≥ 1.30 asks for it first). */
  public static final String V2 = "v2";
  /** Aggregated discovery, apidiscovery.k8s.io/v2beta1 (kubectl 1.26–1.29). */
  public static final String V2BETA1 = "v2beta1";
  /** The per-group-version documents every client understands. */
  public static final String LEGACY = "legacy";

  /** The Kubernetes release kvx serves; build metadata keeps it a release for semver checks. */
  public static final String GIT_VERSION = "v1.32.0+kvx";

  private static final String AGGREGATED_GROUP = "apidiscovery.k8s.io";
  private static final String AGGREGATED_KIND = "APIGroupDiscoveryList";

  private final ResourceRegistry registry;
  // Bumped on every registry change; a snapshot built from an older generation is rebuilt, so a
  // change racing with a build is never lost.
  private final AtomicLong generation = new AtomicLong();
  private volatile Documents cached;

  public Discovery(ResourceRegistry registry) {
    this.registry = registry;
    registry.onAdd(t -> generation.incrementAndGet());
    registry.onRemove(t -> generation.incrementAndGet());
  }

  // ---- content negotiation ---------------------------------------------------------------

  /**
   * Which form answers {@code GET /api} or {@code GET /apis} for this Accept header: {@link #V2},
   * {@link #V2BETA1} or {@link #LEGACY}, following the client's order and q-values. Anything not
   * understood (protobuf, another version, no header) falls back to legacy JSON, never 406.
   */
  public static String negotiate(String accept) {
    for (MediaRange range : MediaRanges.parse(accept)) {
      if (!range.acceptsJson()) {
        continue; // protobuf and other encodings are not served
      }
      String as = range.parameter("as");
      if (as == null) {
        return LEGACY;
      }
      if (as.equals(AGGREGATED_KIND) && AGGREGATED_GROUP.equals(range.parameter("g"))) {
        String v = range.parameter("v");
        if (V2.equals(v)) {
          return V2;
        }
        if (V2BETA1.equals(v)) {
          return V2BETA1;
        }
      }
    }
    return LEGACY;
  }

  /** The exact Content-Type of a form chosen by {@link #negotiate(String)}. */
  public static String contentType(String form) {
    return switch (form) {
      case V2, V2BETA1 -> "application/json;g=" + AGGREGATED_GROUP + ";v=" + form + ";as=" + AGGREGATED_KIND;
      default -> "application/json";
    };
  }

  // ---- documents -------------------------------------------------------------------------

  /** {@code GET /version}. */
  public ObjectNode version() {
    ObjectNode v = Json.object();
    v.put("major", "1");
    v.put("minor", "32");
    v.put("gitVersion", GIT_VERSION);
    String implementation = Discovery.class.getPackage().getImplementationVersion();
    v.put("gitCommit", implementation == null ? "unknown" : implementation);
    v.put("gitTreeState", "clean");
    v.put("buildDate", "1970-01-01T00:00:00Z");
    v.put("goVersion", "java" + Runtime.version());
    v.put("compiler", "javac");
    v.put("platform", platform());
    return v;
  }

  /** {@code GET /api} in the legacy form (APIVersions), served at {@code serverAddress} (host:port). */
  public ObjectNode apiVersions(String serverAddress) {
    ObjectNode out = Json.object();
    out.put("kind", "APIVersions");
    out.set("versions", Json.array().add("v1"));
    ObjectNode cidr = Json.object();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress == null ? "" : serverAddress);
    out.set("serverAddressByClientCIDRs", Json.array().add(cidr));
    return out;
  }

  /** {@code GET /apis} in the legacy form (APIGroupList): every group but the core one. */
  public ObjectNode apiGroupList() {
    return documents().groupList.deepCopy();
  }

  /** {@code GET /apis/<group>} (APIGroup), or null when no such group is served. */
  public ObjectNode apiGroup(String group) {
    ObjectNode g = documents().groups.get(group);
    return g == null ? null : g.deepCopy();
  }

  /**
   * {@code GET /api/v1} (group "") or {@code GET /apis/<group>/<version>} (APIResourceList), or
   * null when that group/version is not served.
   */
  public ObjectNode apiResourceList(String group, String version) {
    ObjectNode list = documents().resourceLists.get(group + "/" + version);
    return list == null ? null : list.deepCopy();
  }

  /** Aggregated discovery v2 for {@code /api} ({@code legacyCore}) or {@code /apis}. */
  public ObjectNode aggregated(boolean legacyCore) {
    return aggregated(legacyCore, V2);
  }

  /** Aggregated discovery in form {@link #V2} or {@link #V2BETA1} (same shape, other apiVersion). */
  public ObjectNode aggregated(boolean legacyCore, String form) {
    Documents d = documents();
    ObjectNode out = (legacyCore ? d.aggregatedCore : d.aggregatedGroups).deepCopy();
    out.put("apiVersion", AGGREGATED_GROUP + "/" + (V2BETA1.equals(form) ? V2BETA1 : V2));
    return out;
  }

  // ---- building --------------------------------------------------------------------------

  private record Documents(
      long generation,
      ObjectNode groupList,
      Map<String, ObjectNode> groups,
      Map<String, ObjectNode> resourceLists,
      ObjectNode aggregatedCore,
      ObjectNode aggregatedGroups) {}

  private Documents documents() {
    Documents d = cached;
    if (d != null && d.generation == generation.get()) {
      return d;
    }
    synchronized (this) {
      long current = generation.get();
      d = cached;
      if (d == null || d.generation != current) {
        d = build(current);
        cached = d;
      }
      return d;
    }
  }

  private Documents build(long generation) {
    Map<String, List<String>> groupVersions = registry.groupVersions();
    ObjectNode groupList = Json.object();
    groupList.put("kind", "APIGroupList");
    groupList.put("apiVersion", "v1");
    ArrayNode groupArray = groupList.putArray("groups");
    Map<String, ObjectNode> groups = new LinkedHashMap<>();
    Map<String, ObjectNode> resourceLists = new LinkedHashMap<>();
    ArrayNode aggregatedCore = Json.array();
    ArrayNode aggregatedGroups = Json.array();

    for (Map.Entry<String, List<String>> e : groupVersions.entrySet()) {
      String group = e.getKey();
      List<String> versions = e.getValue();
      ObjectNode item = Json.object();
      ObjectNode meta = item.putObject("metadata");
      if (!group.isEmpty()) {
        meta.put("name", group);
      }
      ArrayNode aggregatedVersions = item.putArray("versions");
      for (String version : versions) {
        List<ResourceType> types = new ArrayList<>(registry.inGroupVersion(group, version));
        types.sort(Comparator.comparing(ResourceType::plural));
        resourceLists.put(group + "/" + version, resourceList(group, version, types));
        ObjectNode v = aggregatedVersions.addObject();
        v.put("version", version);
        ArrayNode resources = v.putArray("resources");
        types.forEach(t -> resources.add(aggregatedResource(t)));
        v.put("freshness", "Current");
      }
      if (group.isEmpty()) {
        aggregatedCore.add(item);
      } else {
        ObjectNode apiGroup = apiGroup(group, versions);
        groups.put(group, apiGroup);
        ObjectNode entry = apiGroup.deepCopy();
        entry.remove("kind");
        entry.remove("apiVersion");
        groupArray.add(entry);
        aggregatedGroups.add(item);
      }
    }
    return new Documents(generation, groupList, Map.copyOf(groups), Map.copyOf(resourceLists),
        aggregatedList(aggregatedCore), aggregatedList(aggregatedGroups));
  }

  private static ObjectNode apiGroup(String group, List<String> versions) {
    ObjectNode g = Json.object();
    g.put("kind", "APIGroup");
    g.put("apiVersion", "v1");
    g.put("name", group);
    ArrayNode vs = g.putArray("versions");
    for (String version : versions) {
      vs.add(groupVersionForDiscovery(group, version));
    }
    // The first registered version is the preferred one (autoscaling: v2 before v1).
    g.set("preferredVersion", groupVersionForDiscovery(group, versions.get(0)));
    return g;
  }

  private static ObjectNode groupVersionForDiscovery(String group, String version) {
    ObjectNode v = Json.object();
    v.put("groupVersion", group + "/" + version);
    v.put("version", version);
    return v;
  }

  private static ObjectNode resourceList(String group, String version, List<ResourceType> types) {
    ObjectNode list = Json.object();
    list.put("kind", "APIResourceList");
    if (!group.isEmpty()) {
      list.put("apiVersion", "v1"); // upstream leaves it out of /api/v1 only
    }
    list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = resources.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      r.set("verbs", strings(Subresources.verbs(t)));
      if (!t.shortNames().isEmpty()) {
        r.set("shortNames", strings(t.shortNames()));
      }
      if (!t.categories().isEmpty()) {
        r.set("categories", strings(t.categories()));
      }
      for (String name : sortedSubresources(t)) {
        Subresources.Subresource s = subresource(t, name);
        ObjectNode sr = resources.addObject();
        sr.put("name", t.plural() + "/" + name);
        sr.put("singularName", "");
        sr.put("namespaced", t.namespaced());
        if (!s.group().isEmpty() || !s.version().isEmpty()) {
          sr.put("group", s.group());
          sr.put("version", s.version());
        }
        sr.put("kind", s.kind());
        sr.set("verbs", strings(s.verbs()));
      }
    }
    return list;
  }

  private static ObjectNode aggregatedResource(ResourceType t) {
    ObjectNode r = Json.object();
    r.put("resource", t.plural());
    r.set("responseKind", gvk("", "", t.kind()));
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", t.singular());
    r.set("verbs", strings(Subresources.verbs(t)));
    if (!t.shortNames().isEmpty()) {
      r.set("shortNames", strings(t.shortNames()));
    }
    if (!t.categories().isEmpty()) {
      r.set("categories", strings(t.categories()));
    }
    List<String> subs = sortedSubresources(t);
    if (!subs.isEmpty()) {
      ArrayNode array = r.putArray("subresources");
      for (String name : subs) {
        Subresources.Subresource s = subresource(t, name);
        ObjectNode sr = array.addObject();
        sr.put("subresource", name);
        sr.set("responseKind", gvk(s.group(), s.version(), s.kind()));
        sr.set("verbs", strings(s.verbs()));
      }
    }
    return r;
  }

  // The parent's group/version is written as empty, as kube-apiserver does.
  private static Subresources.Subresource subresource(ResourceType t, String name) {
    Subresources.Subresource s = Subresources.of(t, name);
    if (s.group().equals(t.group()) && s.version().equals(t.version())) {
      return new Subresources.Subresource("", "", s.kind(), s.verbs());
    }
    return s;
  }

  private static List<String> sortedSubresources(ResourceType t) {
    return t.subresources().stream().sorted().toList();
  }

  private static ObjectNode aggregatedList(ArrayNode items) {
    ObjectNode out = Json.object();
    out.put("kind", AGGREGATED_KIND);
    out.put("apiVersion", AGGREGATED_GROUP + "/" + V2);
    out.putObject("metadata");
    out.set("items", items);
    return out;
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    ObjectNode k = Json.object();
    k.put("group", group);
    k.put("version", version);
    k.put("kind", kind);
    return k;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = Json.array();
    values.forEach(a::add);
    return a;
  }

  private static String platform() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (os.startsWith("mac")) {
      os = "darwin";
    } else if (os.startsWith("windows")) {
      os = "windows";
    }
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    arch = switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
    return os + "/" + arch;
  }
}
