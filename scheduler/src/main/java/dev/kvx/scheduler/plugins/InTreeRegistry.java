package dev.kvx.scheduler.plugins;

import dev.kvx.scheduler.framework.Registry;
import dev.kvx.scheduler.plugins.defaultbinder.DefaultBinder;
import dev.kvx.scheduler.plugins.defaultpreemption.DefaultPreemption;
import dev.kvx.scheduler.plugins.imagelocality.ImageLocality;
import dev.kvx.scheduler.plugins.interpodaffinity.InterPodAffinity;
import dev.kvx.scheduler.plugins.nodeaffinity.NodeAffinity;
import dev.kvx.scheduler.plugins.nodename.NodeName;
import dev.kvx.scheduler.plugins.nodeports.NodePorts;
import dev.kvx.scheduler.plugins.noderesources.BalancedAllocation;
import dev.kvx.scheduler.plugins.noderesources.Fit;
import dev.kvx.scheduler.plugins.nodeunschedulable.NodeUnschedulable;
import dev.kvx.scheduler.plugins.podtopologyspread.PodTopologySpread;
import dev.kvx.scheduler.plugins.schedulinggates.SchedulingGates;
import dev.kvx.scheduler.plugins.tainttoleration.TaintToleration;

/** The plugins kvx ships (upstream {@code plugins.NewInTreeRegistry}). */
public final class InTreeRegistry {
  private InTreeRegistry() {}

  public static Registry create() {
    return new Registry()
        .register(SchedulingGates.NAME, SchedulingGates::create)
        .register(NodeUnschedulable.NAME, NodeUnschedulable::create)
        .register(NodeName.NAME, NodeName::create)
        .register(TaintToleration.NAME, TaintToleration::create)
        .register(NodeAffinity.NAME, NodeAffinity::create)
        .register(NodePorts.NAME, NodePorts::create)
        .register(Fit.NAME, Fit::create)
        .register(PodTopologySpread.NAME, PodTopologySpread::create)
        .register(InterPodAffinity.NAME, InterPodAffinity::create)
        .register(DefaultPreemption.NAME, DefaultPreemption::create)
        .register(BalancedAllocation.NAME, BalancedAllocation::create)
        .register(ImageLocality.NAME, ImageLocality::create)
        .register(DefaultBinder.NAME, DefaultBinder::create);
  }
}
