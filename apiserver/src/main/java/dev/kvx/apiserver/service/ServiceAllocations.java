package dev.kvx.apiserver.service;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.StoreHook;
import dev.kvx.apiserver.storage.Storage;
import dev.kvx.apiserver.storage.StorageException;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ClusterIP and NodePort allocation for Services. Each handed-out address or port is a key in the
 * store, claimed with a create (so two API servers sharing one etcd never hand out the same one, as
 * upstream's IPAddress objects guarantee) and deleted when the Service goes.
 */
public final class ServiceAllocations implements StoreHook {

  static final String IPS = "/registry/kvx.dev/serviceips/";
  static final String PORTS = "/registry/kvx.dev/servicenodeports/";
  private static final int NODE_PORT_MIN = 30000;
  private static final int NODE_PORT_MAX = 32767;
  private static final int ATTEMPTS = 64;

  /**
   * Random picks try the upper band of a range for this many attempts before the whole range, as
   * upstream's allocators (ServiceIPStaticSubrange, ServiceNodePortStaticSubrange): the lower band
   * is left for the addresses and ports users ask for by number.
   */
  private static final int UPPER_BAND_ATTEMPTS = ATTEMPTS / 2;

  /** The node ports' lower band: min(max(16, size / 32), 128), as upstream; 86 for 30000-32767. */
  static final int NODE_PORT_STATIC_BAND =
      Math.min(Math.max(16, (NODE_PORT_MAX - NODE_PORT_MIN + 1) / 32), 128);

  private final Storage storage;
  private final Ipv4Range range;

  public ServiceAllocations(Storage storage, String serviceCidr) {
    this.storage = storage;
    this.range = Ipv4Range.parse(serviceCidr);
  }

  /** The address of the {@code default/kubernetes} Service: the range's first. */
  public String kubernetesServiceIp() {
    return range.address(1);
  }

  @Override
  public boolean appliesTo(ResourceType type) {
    return type.group().isEmpty() && type.kind().equals("Service");
  }

  @Override
  public Future<Void> beforeCreate(ResourceType type, ObjectNode svc) {
    String owner = Json.text(svc, "metadata", "namespace") + "/" + Json.text(svc, "metadata", "name");
    return allocate(svc, key -> claim(key, owner))
        .recover(e -> {
          createFailed(type, svc);
          return Future.failedFuture(e);
        });
  }

  /**
   * A dry run answers with the addresses and ports a create would get (upstream's dry-run
   * allocators do the same), picked among the free ones but not claimed.
   */
  @Override
  public Future<Void> dryRunCreate(ResourceType type, ObjectNode svc) {
    return allocate(svc, this::free);
  }

  private Future<Void> allocate(ObjectNode svc, Claim claim) {
    ObjectNode spec = Json.with(svc, "spec");
    String svcType = spec.path("type").asString("ClusterIP");
    if (svcType.equals("ExternalName")) {
      return Future.succeededFuture();
    }
    return allocateIp(spec, claim).compose(v -> allocateNodePorts(spec, svcType, claim, null));
  }

  @Override
  public Future<Void> beforeUpdate(ResourceType type, ObjectNode svc, ObjectNode old) {
    ObjectNode spec = Json.with(svc, "spec");
    String svcType = spec.path("type").asString("ClusterIP");
    String owner = Json.text(svc, "metadata", "namespace") + "/" + Json.text(svc, "metadata", "name");
    if (svcType.equals("ExternalName")) {
      return Future.succeededFuture();
    }
    Claim claim = key -> claim(key, owner);
    Future<Void> ip = spec.hasNonNull("clusterIP") && !spec.get("clusterIP").asString().isEmpty()
        ? Future.succeededFuture()
        : allocateIp(spec, claim);
    return ip.compose(v -> allocateNodePorts(spec, svcType, claim, old.path("spec")));
  }

  @Override
  public void createFailed(ResourceType type, ObjectNode svc) {
    release(svc);
  }

  @Override
  public void afterDelete(ResourceType type, ObjectNode svc) {
    release(svc);
  }

  private void release(ObjectNode svc) {
    JsonNode spec = svc.path("spec");
    String ip = spec.path("clusterIP").asString("");
    if (!ip.isEmpty() && !ip.equals("None")) {
      storage.delete(IPS + ip, 0);
    }
    for (JsonNode port : spec.path("ports")) {
      if (port.hasNonNull("nodePort")) {
        storage.delete(PORTS + port.get("nodePort").asInt(), 0);
      }
    }
  }

  private Future<Void> allocateIp(ObjectNode spec, Claim claim) {
    String requested = spec.path("clusterIP").asString("");
    if (requested.equals("None")) {
      spec.putArray("clusterIPs").add("None");
      return Future.succeededFuture();
    }
    if (!requested.isEmpty()) {
      if (!range.contains(requested)) {
        return Future.failedFuture(invalid("spec.clusterIPs", "Invalid value: [\"" + requested + "\"]: failed to"
            + " allocate IP " + requested + ": the provided IP (" + requested + ") is not in the valid range. The"
            + " range of valid IPs is " + range));
      }
      return claim.claim(IPS + requested).compose(ok -> {
        if (!ok) {
          return Future.failedFuture(invalid("spec.clusterIPs", "Invalid value: [\"" + requested + "\"]: failed to"
              + " allocate IP " + requested + ": provided IP is already allocated"));
        }
        setIp(spec, requested);
        return Future.succeededFuture();
      });
    }
    return claimRandomIp(spec, claim, 0);
  }

  private Future<Void> claimRandomIp(ObjectNode spec, Claim claim, int attempt) {
    if (attempt >= ATTEMPTS) {
      return Future.failedFuture(Statuses.internalError("failed to allocate a serviceIP: range is full"));
    }
    // Offsets 0 (network) and 1 (the kubernetes Service) are never handed out at random, nor is
    // the last one (broadcast).
    long first = attempt < UPPER_BAND_ATTEMPTS ? Math.max(2, staticBand(range.size())) : 2;
    String ip = range.address(first + ThreadLocalRandom.current().nextLong(range.size() - 1 - first));
    return claim.claim(IPS + ip).compose(ok -> {
      if (ok) {
        setIp(spec, ip);
        return Future.succeededFuture();
      }
      return claimRandomIp(spec, claim, attempt + 1);
    });
  }

  /**
   * The service range's lower band: min(max(16, size / 16), 256) addresses, none for a range of
   * fewer than 16, as upstream's ipallocator; 10.96.0.0-10.96.0.255 for 10.96.0.0/12.
   */
  static long staticBand(long size) {
    return size < 16 ? 0 : Math.min(Math.max(16, size / 16), 256);
  }

  private static void setIp(ObjectNode spec, String ip) {
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
  }

  private Future<Void> allocateNodePorts(ObjectNode spec, String svcType, Claim claim, JsonNode oldSpec) {
    if (!svcType.equals("NodePort") && !svcType.equals("LoadBalancer")) {
      return Future.succeededFuture();
    }
    List<Integer> held = new ArrayList<>();
    if (oldSpec != null) {
      oldSpec.path("ports").forEach(p -> {
        if (p.hasNonNull("nodePort")) {
          held.add(p.get("nodePort").asInt());
        }
      });
    }
    Future<Void> chain = Future.succeededFuture();
    JsonNode ports = spec.path("ports");
    for (int i = 0; i < ports.size(); i++) {
      ObjectNode port = (ObjectNode) ports.get(i);
      int index = i;
      chain = chain.compose(v -> {
        if (port.hasNonNull("nodePort") && port.get("nodePort").asInt() != 0) {
          int wanted = port.get("nodePort").asInt();
          if (held.contains(wanted)) {
            return Future.succeededFuture();
          }
          if (wanted < NODE_PORT_MIN || wanted > NODE_PORT_MAX) {
            return Future.failedFuture(invalid("spec.ports[" + index + "].nodePort", "Invalid value: " + wanted
                + ": provided port is not in the valid range. The range of valid ports is 30000-32767"));
          }
          return claim.claim(PORTS + wanted).compose(ok -> ok ? Future.succeededFuture()
              : Future.failedFuture(invalid("spec.ports[" + index + "].nodePort", "Invalid value: " + wanted
                  + ": provided port is already allocated")));
        }
        return claimRandomPort(port, claim, 0);
      });
    }
    return chain;
  }

  private Future<Void> claimRandomPort(ObjectNode port, Claim claim, int attempt) {
    if (attempt >= ATTEMPTS) {
      return Future.failedFuture(Statuses.internalError("failed to allocate a nodePort: range is full"));
    }
    int first = NODE_PORT_MIN + (attempt < UPPER_BAND_ATTEMPTS ? NODE_PORT_STATIC_BAND : 0);
    int p = first + ThreadLocalRandom.current().nextInt(NODE_PORT_MAX - first + 1);
    return claim.claim(PORTS + p).compose(ok -> {
      if (ok) {
        port.put("nodePort", p);
        return Future.succeededFuture();
      }
      return claimRandomPort(port, claim, attempt + 1);
    });
  }

  /** Takes an address or port key for a Service; false when someone holds it. */
  @FunctionalInterface
  private interface Claim {
    Future<Boolean> claim(String key);
  }

  /** Whether nobody holds a key (a dry run's claim, which takes nothing). */
  private Future<Boolean> free(String key) {
    return storage.get(key).map(kv -> kv == null);
  }

  /** Claims a key; false when someone holds it. */
  private Future<Boolean> claim(String key, String owner) {
    byte[] value = ("{\"service\":\"" + owner + "\"}").getBytes(StandardCharsets.UTF_8);
    return storage.create(key, value).map(kv -> true)
        .recover(e -> e instanceof StorageException.KeyExists ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  private static StatusException invalid(String field, String message) {
    return Statuses.invalid("", "Service", "", "FieldValueInvalid", field, message);
  }

}
