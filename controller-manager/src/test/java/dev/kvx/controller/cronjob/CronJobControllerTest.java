package dev.kvx.controller.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.controller.common.Times;
import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CronJobControllerTest {
  @TempDir Path dir;

  private static List<Job> jobs(TestCluster c) {
    return c.client().batch().v1().jobs().inNamespace("cron").list().getItems().stream()
        .filter(j -> j.getMetadata().getDeletionTimestamp() == null).toList();
  }

  private static void complete(TestCluster c, Job j) {
    Job fresh = c.client().batch().v1().jobs().inNamespace("cron").withName(j.getMetadata().getName()).get();
    String now = Times.format(c.clock().now());
    if (fresh.getStatus() == null) {
      fresh.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
    }
    fresh.getStatus().setConditions(List.of(new JobConditionBuilder().withType("Complete").withStatus("True").withLastTransitionTime(now).build()));
    fresh.getStatus().setCompletionTime(now);
    c.client().batch().v1().jobs().resource(fresh).updateStatus();
  }

  @Test
  void startsJobsOnScheduleForbidsOverlapAndKeepsHistory() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir, CronJobController.DESCRIPTOR)) {
      cluster.createNamespace("cron");
      CronJob cj = new CronJobBuilder().withNewMetadata().withNamespace("cron").withName("tick").endMetadata()
          .withNewSpec().withSchedule("*/1 * * * *").withTimeZone("UTC").withConcurrencyPolicy("Forbid").withSuccessfulJobsHistoryLimit(1)
          .withNewJobTemplate().withNewMetadata().withLabels(Map.of("from", "tick")).endMetadata()
          .withNewSpec().withTemplate(TestCluster.template(Map.of(), "img")).endSpec().endJobTemplate()
          .endSpec().build();
      cj.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().setRestartPolicy("OnFailure");
      cluster.client().batch().v1().cronjobs().resource(cj).create();
      Thread.sleep(500);
      assertThat(jobs(cluster)).isEmpty();

      cluster.step(Duration.ofSeconds(61));
      await().atMost(Duration.ofSeconds(60)).until(() -> jobs(cluster).size() == 1);
      Job first = jobs(cluster).get(0);
      assertThat(first.getMetadata().getName()).matches("tick-\\d+");
      assertThat(first.getMetadata().getLabels()).containsEntry("from", "tick");
      assertThat(first.getMetadata().getAnnotations()).containsKey("batch.kubernetes.io/cronjob-scheduled-timestamp");
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        CronJob cur = cluster.client().batch().v1().cronjobs().inNamespace("cron").withName("tick").get();
        assertThat(cur.getStatus()).isNotNull();
        assertThat(cur.getStatus().getActive()).extracting(r -> r.getName()).containsExactly(first.getMetadata().getName());
        assertThat(cur.getStatus().getLastScheduleTime()).isNotNull();
      });

      // Forbid: the next schedule time passes while the first Job runs.
      cluster.step(Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.events("cron", "JobAlreadyActive").isEmpty());
      assertThat(jobs(cluster)).hasSize(1);

      complete(cluster, first);
      // The run Forbid held back is still the most recent schedule time: it starts now.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        CronJob cur = cluster.client().batch().v1().cronjobs().inNamespace("cron").withName("tick").get();
        assertThat(cur.getStatus()).isNotNull();
        assertThat(cur.getStatus().getLastSuccessfulTime()).isNotNull();
        assertThat(cur.getStatus().getActive()).extracting(r -> r.getName()).doesNotContain(first.getMetadata().getName());
        assertThat(jobs(cluster)).anyMatch(j -> !j.getMetadata().getName().equals(first.getMetadata().getName()));
      });
      Job second = jobs(cluster).stream().filter(j -> !j.getMetadata().getName().equals(first.getMetadata().getName())).findFirst().orElseThrow();
      complete(cluster, second);
      // successfulJobsHistoryLimit 1: the older complete Job goes.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
          assertThat(jobs(cluster)).extracting(j -> j.getMetadata().getName()).containsExactly(second.getMetadata().getName()));
    }
  }
}
