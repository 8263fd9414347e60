package dev.kvx.kubelet;

import java.time.Duration;

/**
 * The agent's periods and back-offs. {@link #upstream()} gives the kubelet's defaults; tests use
 * shorter ones so that a crash loop or a heartbeat shows within seconds.
 *
 * @param plegRelistPeriod how often the runtime is relisted to notice container changes (1 s)
 * @param podResyncPeriod how often every pod is synced without an event (the kubelet's
 *     syncFrequency, 1 min)
 * @param nodeStatusUpdateFrequency how often the node status is computed (10 s)
 * @param nodeStatusReportFrequency how often an unchanged status is still posted (5 min)
 * @param nodeLeaseRenewInterval how often the node's Lease is renewed (10 s)
 * @param nodeLeaseDurationSeconds the Lease's duration (40 s)
 * @param crashLoopBackOffInitial first restart delay of a failing container (10 s)
 * @param crashLoopBackOffMax the cap of the doubling delay (5 min); the back-off resets after a
 *     container ran twice as long
 * @param imagePullBackOffInitial first delay after a failed pull (10 s)
 * @param imagePullBackOffMax cap of the pull back-off (5 min)
 */
public record KubeletTimings(
    Duration plegRelistPeriod,
    Duration podResyncPeriod,
    Duration nodeStatusUpdateFrequency,
    Duration nodeStatusReportFrequency,
    Duration nodeLeaseRenewInterval,
    int nodeLeaseDurationSeconds,
    Duration crashLoopBackOffInitial,
    Duration crashLoopBackOffMax,
    Duration imagePullBackOffInitial,
    Duration imagePullBackOffMax) {

  public static KubeletTimings upstream() {
    return new KubeletTimings(
        Duration.ofSeconds(1),
        Duration.ofMinutes(1),
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Duration.ofSeconds(10),
        40,
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Duration.ofSeconds(10),
        Duration.ofMinutes(5));
  }

  public KubeletTimings withCrashLoopBackOff(Duration initial, Duration max) {
    return new KubeletTimings(
        plegRelistPeriod,
        podResyncPeriod,
        nodeStatusUpdateFrequency,
        nodeStatusReportFrequency,
        nodeLeaseRenewInterval,
        nodeLeaseDurationSeconds,
        initial,
        max,
        imagePullBackOffInitial,
        imagePullBackOffMax);
  }

  public KubeletTimings withPlegRelistPeriod(Duration period) {
    return new KubeletTimings(
        period,
        podResyncPeriod,
        nodeStatusUpdateFrequency,
        nodeStatusReportFrequency,
        nodeLeaseRenewInterval,
        nodeLeaseDurationSeconds,
        crashLoopBackOffInitial,
        crashLoopBackOffMax,
        imagePullBackOffInitial,
        imagePullBackOffMax);
  }

  public KubeletTimings withNodeStatus(Duration update, Duration report, Duration leaseRenew) {
    return new KubeletTimings(
        plegRelistPeriod,
        podResyncPeriod,
        update,
        report,
        leaseRenew,
        nodeLeaseDurationSeconds,
        crashLoopBackOffInitial,
        crashLoopBackOffMax,
        imagePullBackOffInitial,
        imagePullBackOffMax);
  }
}
