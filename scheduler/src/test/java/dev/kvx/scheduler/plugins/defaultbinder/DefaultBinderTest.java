package dev.kvx.scheduler.plugins.defaultbinder;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.PodNominator;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.FakeClusterApi;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefaultBinderTest {

  @Test
  void bindsThroughTheApi() {
    Snapshot snapshot = TestFramework.snapshot(List.of(node("n1").obj()));
    FakeClusterApi api = new FakeClusterApi();
    var fw = TestFramework.of(snapshot, PodNominator.none(), api);

    Status s = fw.runBindPlugins(new CycleState(), pod("p").info(), "n1").join();

    assertThat(s).isEqualTo(Status.success().withPlugin(DefaultBinder.NAME));
    assertThat(api.binds).containsExactly(new FakeClusterApi.Bind("default/p", "n1"));
  }

  @Test
  void aFailedBindIsAnError() {
    Snapshot snapshot = TestFramework.snapshot(List.of(node("n1").obj()));
    FakeClusterApi api = new FakeClusterApi();
    api.failBinds(pod -> new IllegalStateException("pods \"p\" not found"));
    var fw = TestFramework.of(snapshot, PodNominator.none(), api);

    Status s = fw.runBindPlugins(new CycleState(), pod("p").info(), "n1").join();

    assertThat(s.code()).isEqualTo(Status.Code.ERROR);
    assertThat(s.message()).isEqualTo("pods \"p\" not found");
    assertThat(s.plugin()).isEqualTo(DefaultBinder.NAME);
  }
}
