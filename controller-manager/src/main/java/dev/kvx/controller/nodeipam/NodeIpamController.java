package dev.kvx.controller.nodeipam;

import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node IPAM controller (upstream's {@code nodeipam} with its RangeAllocator): gives every node
 * without a pod CIDR a block of {@code --cluster-cidr} sized {@code --node-cidr-mask-size}, so pods
 * on different nodes never share an IP. Runs only with {@code --allocate-node-cidrs} (kvx's
 * default, see {@link NodeIpamConfiguration}); otherwise it is an idle controller, as upstream
 * skips starting it.
 */
public final class NodeIpamController {
  private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);
  public static final String NAME = "node-ipam-controller";
  /** The events' source, as upstream's range allocator names it. */
  public static final String COMPONENT = "cidrAllocator";

  public static final ControllerDescriptor DESCRIPTOR =
      ControllerDescriptor.of(NAME, "nodeipam", NodeIpamController::create);

  private NodeIpamController() {}

  /** For tests: the controller with {@code config} instead of the manager's flags. */
  public static ControllerDescriptor withConfiguration(NodeIpamConfiguration config) {
    return ControllerDescriptor.of(NAME, "nodeipam", ctx -> create(ctx, config));
  }

  static Controller create(ControllerContext ctx) {
    return create(ctx, ctx.nodeIpam());
  }

  private static Controller create(ControllerContext ctx, NodeIpamConfiguration config) {
    if (!config.allocateNodeCidrs()) {
      LOG.info("Skipping {}: --allocate-node-cidrs is false", NAME);
      return ctx.controller("node_ipam", key -> Reconciler.Result.DONE).build();
    }
    CidrSet cidrs = new CidrSet(config.clusterCidr(), config.nodeCidrMaskSize());
    var informer = ctx.informers().informerFor(Node.class);
    Controller[] self = new Controller[1];
    RangeAllocator allocator =
        new RangeAllocator(
            ctx.client(),
            new Lister<>(informer.getIndexer()),
            cidrs,
            ctx.recorder(COMPONENT),
            name -> self[0].enqueueKey(name));
    // Several workers as upstream's cidrUpdateWorkers: each one waits on its own API write.
    Controller controller = ctx.controller("node_ipam", allocator).workers(2).build();
    self[0] = controller;
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node n) {
            controller.enqueueKey(n.getMetadata().getName());
          }

          // Heartbeats update every node every few seconds: only a node still without a CIDR, or
          // whose CIDRs changed, has anything for the allocator.
          @Override
          public void onUpdate(Node old, Node n) {
            var now = RangeAllocator.podCidrs(n);
            if (now.isEmpty() || !now.equals(RangeAllocator.podCidrs(old))) {
              controller.enqueueKey(n.getMetadata().getName());
            }
          }

          @Override
          public void onDelete(Node n, boolean deletedFinalStateUnknown) {
            controller.enqueueKey(n.getMetadata().getName());
          }
        });
    LOG.info(
        "Allocating node pod CIDRs of {} from {}",
        "/" + cidrs.nodeMaskSize(),
        cidrs.clusterCidr());
    return controller;
  }
}
