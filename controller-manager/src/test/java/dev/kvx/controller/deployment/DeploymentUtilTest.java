package dev.kvx.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.controller.testing.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DeploymentUtilTest {

  @ParameterizedTest(name = "surge {0} unavailable {1} of {2} -> {3}/{4}")
  @CsvSource({
    "25%, 25%, 4, 1, 1",
    "25%, 25%, 10, 3, 2", // surge rounds up, unavailable down
    "0, 0, 3, 0, 1", // both zero: one unavailable so the rollout can progress
    "1, 0, 5, 1, 0",
    "50%, 0%, 3, 2, 0",
  })
  void resolvesFenceposts(String surge, String unavailable, int desired, int wantSurge, int wantUnavailable) {
    int[] r = DeploymentUtil.resolveFenceposts(intOrPercent(surge), intOrPercent(unavailable), desired);
    assertThat(r).containsExactly(wantSurge, wantUnavailable);
  }

  private static IntOrString intOrPercent(String s) {
    return s.endsWith("%") ? new IntOrString(s) : new IntOrString(Integer.parseInt(s));
  }

  @Test
  void newReplicaSetGrowsByTheSurgeLeft() {
    Deployment d = DeploymentControllerTest.deployment("ns", "d", 4, "img");
    ReplicaSet old = rs("old", 4);
    ReplicaSet fresh = rs("new", 0);
    assertThat(DeploymentUtil.newRSNewReplicas(d, List.of(old, fresh), fresh)).isEqualTo(1);
    ReplicaSet grown = rs("new", 1);
    assertThat(DeploymentUtil.newRSNewReplicas(d, List.of(old, grown), grown)).isEqualTo(1); // at 5 = 4 + 1 surge
    assertThat(DeploymentUtil.newRSNewReplicas(d, List.of(rs("old", 2), grown), grown)).isEqualTo(3);
  }

  @Test
  void raisingAnOldRevisionKeepsItInTheHistory() {
    Deployment d = DeploymentControllerTest.deployment("ns", "d", 2, "img");
    ReplicaSet rs = rs("a", 0);
    rs.getMetadata().setAnnotations(new HashMap<>(Map.of(DeploymentUtil.REVISION, "1")));
    assertThat(DeploymentUtil.setNewReplicaSetAnnotations(d, rs, "3", true)).isTrue();
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry(DeploymentUtil.REVISION, "3")
        .containsEntry(DeploymentUtil.REVISION_HISTORY, "1");
    DeploymentUtil.setNewReplicaSetAnnotations(d, rs, "5", true);
    assertThat(rs.getMetadata().getAnnotations()).containsEntry(DeploymentUtil.REVISION_HISTORY, "1,3");
    assertThat(DeploymentUtil.setNewReplicaSetAnnotations(d, rs, "5", true)).isFalse();
  }

  @Test
  void hashIsStableSafeAndIgnoredWhenComparingTemplates() {
    PodTemplateSpec t = TestCluster.template(Map.of("app", "x"), "img:1");
    String h = DeploymentUtil.computeHash(t, null);
    assertThat(h).isEqualTo(DeploymentUtil.computeHash(TestCluster.template(Map.of("app", "x"), "img:1"), null));
    assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]+");
    assertThat(DeploymentUtil.computeHash(t, 1)).isNotEqualTo(h);
    assertThat(DeploymentUtil.computeHash(TestCluster.template(Map.of("app", "x"), "img:2"), null)).isNotEqualTo(h);
    PodTemplateSpec hashed = TestCluster.template(Map.of("app", "x", "pod-template-hash", h), "img:1");
    assertThat(DeploymentUtil.equalIgnoreHash(hashed, t)).isTrue();
    assertThat(DeploymentUtil.equalIgnoreHash(hashed, TestCluster.template(Map.of("app", "x"), "img:2"))).isFalse();
  }

  private static ReplicaSet rs(String name, int replicas) {
    return new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec().build();
  }
}
