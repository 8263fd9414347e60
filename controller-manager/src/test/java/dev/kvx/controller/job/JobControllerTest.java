package dev.kvx.controller.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs against a real API server; a simulated kubelet finishes their pods. */
class JobControllerTest {
  @TempDir static Path dir;
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(dir, JobController.DESCRIPTOR, TtlAfterFinishedController.DESCRIPTOR);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private Job create(String ns, String name, Consumer<Job> spec) {
    cluster.createNamespace(ns);
    Job job = new JobBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withTemplate(TestCluster.template(Map.of("job", name), "busybox")).endSpec().build();
    job.getSpec().getTemplate().getSpec().setRestartPolicy("Never");
    spec.accept(job);
    return cluster.client().batch().v1().jobs().resource(job).create();
  }

  private Job get(String ns, String name) {
    return cluster.client().batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private List<Pod> activePods(String ns) {
    return cluster.client().pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> p.getStatus() == null || p.getStatus().getPhase() == null
            || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
        .toList();
  }

  private static JobCondition condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
  }

  @Test
  void runsCompletionsWithParallelismToComplete() {
    create("job-complete", "work", j -> j.getSpec().setCompletions(3));
    TestCluster.retryOnConflict(() -> cluster.client().batch().v1().jobs().inNamespace("job-complete").withName("work")
        .edit(j -> new JobBuilder(j).editSpec().withParallelism(2).endSpec().build()));
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      List<Pod> active = activePods("job-complete");
      active.forEach(p -> cluster.markTerminated(p, "Succeeded"));
      return condition(get("job-complete", "work"), "Complete") != null;
    });
    Job job = get("job-complete", "work");
    assertThat(job.getStatus().getSucceeded()).isEqualTo(3);
    assertThat(job.getStatus().getActive()).isZero();
    assertThat(job.getStatus().getCompletionTime()).isNotNull();
    assertThat(condition(job, "SuccessCriteriaMet").getReason()).isEqualTo("CompletionsReached");
    assertThat(cluster.client().pods().inNamespace("job-complete").list().getItems())
        .allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/job-name", "work"));
    await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.events("job-complete", "Completed").isEmpty());
  }

  @Test
  void failedPodsAreReplacedAfterBackoffUntilTheBackoffLimit() {
    create("job-backoff", "flaky", j -> j.getSpec().setBackoffLimit(1));
    await().atMost(Duration.ofSeconds(60)).until(() -> activePods("job-backoff").size() == 1);
    cluster.markTerminated(activePods("job-backoff").get(0), "Failed");
    // The replacement waits for the 10 s backoff, on the controller's clock.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(60)).until(() -> activePods("job-backoff").isEmpty());
    cluster.step(Duration.ofSeconds(11));
    await().atMost(Duration.ofSeconds(60)).until(() -> activePods("job-backoff").size() == 1);
    cluster.markTerminated(activePods("job-backoff").get(0), "Failed");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Job job = get("job-backoff", "flaky");
      assertThat(condition(job, "FailureTarget")).isNotNull();
      assertThat(condition(job, "Failed")).isNotNull().satisfies(c -> assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded"));
      assertThat(job.getStatus().getFailed()).isEqualTo(2);
    });
  }

  @Test
  void indexedJobsRunOnePodPerIndexAndTrackCompletedIndexes() {
    create("job-indexed", "idx", j -> {
      j.getSpec().setCompletions(3);
      j.getSpec().setParallelism(3);
      j.getSpec().setCompletionMode("Indexed");
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> activePods("job-indexed").size() == 3);
    List<Pod> pods = activePods("job-indexed");
    assertThat(pods).extracting(p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index"))
        .containsExactlyInAnyOrder("0", "1", "2");
    Pod one = pods.stream().filter(p -> "1".equals(p.getMetadata().getLabels().get("batch.kubernetes.io/job-completion-index"))).findFirst().orElseThrow();
    assertThat(one.getMetadata().getName()).startsWith("idx-1-");
    assertThat(one.getSpec().getHostname()).isEqualTo("idx-1");
    assertThat(one.getSpec().getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals("JOB_COMPLETION_INDEX"));
    cluster.markTerminated(one, "Succeeded");
    await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(get("job-indexed", "idx").getStatus().getCompletedIndexes()));
    activePods("job-indexed").forEach(p -> cluster.markTerminated(p, "Succeeded"));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Job job = get("job-indexed", "idx");
      assertThat(job.getStatus().getCompletedIndexes()).isEqualTo("0-2");
      assertThat(condition(job, "Complete")).isNotNull();
    });
  }

  @Test
  void suspendedJobsRunNothingUntilResumed() {
    create("job-suspend", "later", j -> j.getSpec().setSuspend(true));
    await().atMost(Duration.ofSeconds(60)).until(() -> condition(get("job-suspend", "later"), "Suspended") != null);
    assertThat(activePods("job-suspend")).isEmpty();
    TestCluster.retryOnConflict(() -> cluster.client().batch().v1().jobs().inNamespace("job-suspend").withName("later")
        .edit(j -> new JobBuilder(j).editSpec().withSuspend(false).endSpec().build()));
    await().atMost(Duration.ofSeconds(60)).until(() -> activePods("job-suspend").size() == 1
        && condition(get("job-suspend", "later"), "Suspended") == null);
  }

  @Test
  void activeDeadlineFailsTheJobAndTtlDeletesItAfterwards() {
    create("job-deadline", "slow", j -> {
      j.getSpec().setActiveDeadlineSeconds(30L);
      j.getSpec().setTtlSecondsAfterFinished(60);
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> activePods("job-deadline").size() == 1);
    cluster.step(Duration.ofSeconds(31));
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Job job = get("job-deadline", "slow");
      assertThat(condition(job, "Failed")).isNotNull().satisfies(c -> assertThat(c.getReason()).isEqualTo("DeadlineExceeded"));
      assertThat(activePods("job-deadline")).isEmpty();
    });
    cluster.step(Duration.ofSeconds(61));
    // Deleted in the foreground: marked now, removed by the garbage collector (not running here).
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Job job = get("job-deadline", "slow");
      return job == null || job.getMetadata().getDeletionTimestamp() != null;
    });
  }
}
