package dev.kvx.scheduler.plugins.defaultbinder;

import dev.kvx.scheduler.framework.BindPlugin;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import java.util.concurrent.CompletableFuture;

/** Binds through the API: {@code POST /api/v1/namespaces/NS/pods/NAME/binding}. */
public final class DefaultBinder implements BindPlugin {
  public static final String NAME = "DefaultBinder";

  private final Handle handle;

  private DefaultBinder(Handle handle) {
    this.handle = handle;
  }

  public static Plugin create(Handle handle) {
    return new DefaultBinder(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletableFuture<Status> bind(CycleState state, PodInfo pod, String nodeName) {
    return handle
        .api()
        .bind(pod.pod(), nodeName)
        .handle((v, e) -> e == null ? Status.success() : Status.error(e));
  }
}
