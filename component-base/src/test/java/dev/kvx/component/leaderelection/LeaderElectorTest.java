package dev.kvx.component.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.metrics.Metrics;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// fabric8's CRUD mock API server stands in for the kvx API server until that one serves; these
// tests should move to the real one (Lease CAS on resourceVersion is the API server's job).
@EnableKubernetesMockClient(crud = true)
class LeaderElectorTest {
  private static final String NS = "kube-system";
  private static final Duration WAIT = Duration.ofSeconds(60); // a deadline, not a delay: loaded CI machines

  KubernetesClient client;

  @BeforeEach
  void patientClient() {
    // The mock server's first answers can take longer than the client's 10 s request timeout on a
    // loaded CI machine; the tests' own deadlines bound the waiting.
    client.getConfiguration().setRequestTimeout(60_000);
  }

  @Test
  void defaultsAreUpstreams() {
    LeaderElectionConfig config = LeaderElectionConfig.forLease(NS, "kube-scheduler");
    assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.releaseOnCancel()).isTrue();
    assertThat(config.identity())
        .matches(".+_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThatThrownBy(
            () ->
                config.withTimings(
                    Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acquiresAFreeLeaseAndReportsIt() throws Exception {
    Recorder callbacks = new Recorder();
    try (Metrics metrics = Metrics.create()) {
      LeaderElector elector =
          new LeaderElector(client, fast("kube-scheduler", "a"), callbacks, metrics.registry());
      assertThat(metrics.registry().scrape())
          .contains("leader_election_master_status{name=\"kube-scheduler\"} 0.0");

      elector.start();

      await().atMost(WAIT).until(elector::isLeader);
      await().atMost(WAIT).until(() -> callbacks.events.contains("started"));
      Lease lease = lease("kube-scheduler");
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("a");
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(20);
      assertThat(lease.getSpec().getRenewTime()).isNotNull();
      assertThat(callbacks.events).contains("leader:a");
      assertThat(metrics.registry().scrape())
          .contains("leader_election_master_status{name=\"kube-scheduler\"} 1.0");

      elector.stop().get(10, TimeUnit.SECONDS);
      assertThat(callbacks.events).endsWith("stopped");
      assertThat(elector.isLeader()).isFalse();
    }
  }

  @Test
  void onlyOneLeadsAndStoppingReleasesTheLeaseToTheOther() throws Exception {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    LeaderElector a = new LeaderElector(client, fast("kube-controller-manager", "a"), first, null);
    a.start();
    await().atMost(WAIT).until(a::isLeader);
    LeaderElector b = new LeaderElector(client, fast("kube-controller-manager", "b"), second, null);
    b.start();
    await().atMost(WAIT).until(() -> second.events.contains("leader:a"));
    assertThat(b.isLeader()).isFalse();

    long stoppedAt = System.nanoTime();
    a.stop().get(10, TimeUnit.SECONDS);

    // Released (leaseDurationSeconds 1), so b need not wait out a's 20 s lease.
    await().atMost(WAIT).until(b::isLeader);
    assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(10));
    assertThat(lease("kube-controller-manager").getSpec().getHolderIdentity()).isEqualTo("b");
    assertThat(lease("kube-controller-manager").getSpec().getLeaseTransitions()).isEqualTo(1);
    await().atMost(WAIT).until(() -> second.events.contains("started"));
    assertThat(first.events).containsSubsequence("started", "stopped");
    b.close();
  }

  @Test
  void waitsForAnotherHoldersLeaseToExpire() throws Exception {
    client
        .leases()
        .inNamespace(NS)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("held")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("other")
                .withLeaseDurationSeconds(2)
                .withAcquireTime(ZonedDateTime.now(ZoneOffset.UTC))
                .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                .withLeaseTransitions(0)
                .endSpec()
                .build())
        .create();
    Recorder callbacks = new Recorder();
    LeaderElector elector = new LeaderElector(client, fast("held", "me"), callbacks, null);
    elector.start();

    await().atMost(WAIT).until(() -> callbacks.events.contains("leader:other"));
    assertThat(elector.isLeader()).isFalse();
    assertThat(elector.observedLeader()).isEqualTo("other");

    // "other" never renews: after its 2 s the lease is ours.
    await().atMost(WAIT).until(elector::isLeader);
    assertThat(lease("held").getSpec().getHolderIdentity()).isEqualTo("me");
    assertThat(callbacks.events).containsSubsequence("leader:other", "leader:me", "started");
    elector.close();
  }

  @Test
  void losingTheLeaseStopsLeadingAndEndsTheElection() throws Exception {
    Recorder callbacks = new Recorder();
    LeaderElector elector = new LeaderElector(client, fast("lost", "me"), callbacks, null);
    elector.start();
    await().atMost(WAIT).until(elector::isLeader);

    // Someone else takes the lease over (as after a long GC pause of ours). Our renewals race
    // with that write; the API server's resourceVersion check makes the loser retry.
    await().atMost(WAIT).until(() -> takeOver("lost", "thief"));

    elector.done().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(elector.isLeader()).isFalse();
    assertThat(callbacks.events).containsSubsequence("started", "leader:thief", "stopped");
    assertThat(lease("lost").getSpec().getHolderIdentity())
        .as("not released: not ours")
        .isEqualTo("thief");
  }

  // Short timings so the tests take seconds: leaseDuration 20 s (long, to prove release), renew
  // deadline 10 s, retry period 200 ms.
  private static LeaderElectionConfig fast(String lease, String identity) {
    return LeaderElectionConfig.forLease(NS, lease)
        .withIdentity(identity)
        .withTimings(Duration.ofSeconds(20), Duration.ofSeconds(10), Duration.ofMillis(200));
  }

  private boolean takeOver(String name, String thief) {
    try {
      client
          .leases()
          .inNamespace(NS)
          .withName(name)
          .edit(
              l ->
                  new LeaseBuilder(l)
                      .editSpec()
                      .withHolderIdentity(thief)
                      .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                      .withLeaseDurationSeconds(60)
                      .endSpec()
                      .build());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false; // our elector renewed in between: try again on the new version
      }
      throw e;
    }
  }

  private Lease lease(String name) {
    return client.leases().inNamespace(NS).withName(name).get();
  }

  private static final class Recorder implements LeaderCallbacks {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onStartedLeading() {
      events.add("started");
    }

    @Override
    public void onStoppedLeading() {
      events.add("stopped");
    }

    @Override
    public void onNewLeader(String identity) {
      events.add("leader:" + identity);
    }
  }
}
