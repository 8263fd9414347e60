package dev.kvx.kubelet.nodestatus;

import dev.kvx.component.clock.Clock;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.function.Supplier;

/**
 * Renews the node's Lease in {@code kube-node-lease} (the kubelet's nodelease controller): the
 * frequent, cheap heartbeat the node lifecycle controller watches. The Lease is owned by the Node,
 * so it goes when the Node is deleted.
 *
 * <p>Blocking; one heartbeat thread drives it.
 */
public final class NodeLeaseController {
  public static final String NAMESPACE = "kube-node-lease";

  private final KubernetesClient client;
  private final String nodeName;
  private final Supplier<String> nodeUid;
  private final int durationSeconds;
  private final Clock clock;
  private Lease lease;

  public NodeLeaseController(
      KubernetesClient client,
      String nodeName,
      Supplier<String> nodeUid,
      int durationSeconds,
      Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.nodeUid = nodeUid;
    this.durationSeconds = durationSeconds;
    this.clock = clock;
  }

  /** Creates or renews the Lease; on a conflict it rereads it and tries once more. */
  public void renew() {
    if (lease == null) {
      lease = getOrCreate();
      return;
    }
    try {
      lease = update(lease);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        lease = getOrCreate();
      } else if (e.getCode() == 409) {
        Lease current = client.leases().inNamespace(NAMESPACE).withName(nodeName).get();
        lease = current == null ? getOrCreate() : update(current);
      } else {
        throw e;
      }
    }
  }

  /** The Lease as last written. */
  public Lease lease() {
    return lease;
  }

  private Lease getOrCreate() {
    Lease fresh =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(nodeName)
            .withNamespace(NAMESPACE)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Node")
                    .withName(nodeName)
                    .withUid(nodeUid.get())
                    .build())
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(nodeName)
            .withLeaseDurationSeconds(durationSeconds)
            .withRenewTime(ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC))
            .endSpec()
            .build();
    try {
      return client.leases().inNamespace(NAMESPACE).resource(fresh).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return update(client.leases().inNamespace(NAMESPACE).withName(nodeName).require());
    }
  }

  private Lease update(Lease current) {
    Lease next =
        new LeaseBuilder(current)
            .editOrNewSpec()
            .withHolderIdentity(nodeName)
            .withLeaseDurationSeconds(durationSeconds)
            .withRenewTime(ZonedDateTime.ofInstant(clock.now(), ZoneOffset.UTC))
            .endSpec()
            .build();
    return client.leases().inNamespace(NAMESPACE).resource(next).update();
  }
}
