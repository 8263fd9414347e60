package dev.kvx.scheduler.framework;

import java.util.concurrent.CompletableFuture;

/**
 * Binds the pod to the chosen node. Unlike upstream's synchronous Bind (run on a goroutine per
 * pod), it returns a future so that binding never holds a thread per pod. Completing with {@link
 * Status#skip()} passes the pod to the next bind plugin.
 */
public interface BindPlugin extends Plugin {

  CompletableFuture<Status> bind(CycleState state, PodInfo pod, String nodeName);
}
