package dev.kvx.component.informers;

import dev.kvx.component.server.HealthCheck;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A component's shared informers, one per resource type, built on fabric8's {@link
 * SharedInformerFactory} (client-go's {@code SharedInformerFactory}): every controller of the
 * component asks for, say, Pods and gets the same informer, so there is one list+watch per type.
 *
 * <p>Usage as upstream: controllers call {@link #informerFor} and add their handlers, then the
 * component calls {@link #start()} (which starts informers not started yet, so it may be called
 * again after more informers are requested), and workers run once {@link #hasSynced()}.
 *
 * <p>Informers watch all namespaces. Thread-safe.
 */
public final class InformerFactory implements AutoCloseable {
  /** The readyz check name upstream uses for the same purpose. */
  public static final String SYNC_CHECK_NAME = "informer-sync";

  private final SharedInformerFactory factory;
  private final long resyncMillis;
  private final Map<Class<?>, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
  private final Set<SharedIndexInformer<?>> started = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Informers without periodic resync. */
  public InformerFactory(KubernetesClient client) {
    this(client, Duration.ZERO);
  }

  /** Informers that replay every cached object to their handlers each {@code resync}. */
  public InformerFactory(KubernetesClient client, Duration resync) {
    this.factory = client.informers();
    this.resyncMillis = resync.toMillis();
  }

  /** The shared informer of {@code type}, created (not started) on first request. */
  @SuppressWarnings("unchecked")
  public synchronized <T extends HasMetadata> SharedIndexInformer<T> informerFor(Class<T> type) {
    if (closed) {
      throw new IllegalStateException("informer factory is closed");
    }
    return (SharedIndexInformer<T>)
        informers.computeIfAbsent(type, t -> retryingForever(factory.sharedIndexInformerFor(type, resyncMillis)));
  }

  /**
   * As client-go's reflectors: a failed list or watch is retried (with the informer's backoff) for
   * as long as the factory is open. fabric8's default gives up for good when the first list fails,
   * so a component starting while the API server is slow or restarting would never become ready.
   */
  private <T extends HasMetadata> SharedIndexInformer<T> retryingForever(SharedIndexInformer<T> informer) {
    informer.exceptionHandler((started, error) -> !closed);
    return informer;
  }

  /** A lister over the cache of {@code type}'s informer (cached objects: copy before changing). */
  public <T extends HasMetadata> Lister<T> listerFor(Class<T> type) {
    return new Lister<>(informerFor(type).getIndexer());
  }

  /** Starts every informer not started yet; does not block (see {@link #waitForCacheSync}). */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("informer factory is closed");
    }
    for (SharedIndexInformer<?> informer : informers.values()) {
      if (started.add(informer)) {
        informer.start();
      }
    }
  }

  /** Whether every requested informer has been started and has completed its initial list. */
  public synchronized boolean hasSynced() {
    return informers.values().stream().allMatch(i -> started.contains(i) && i.hasSynced());
  }

  /**
   * Blocks until {@link #hasSynced()} or {@code timeout} passes, polling every 100 ms as
   * client-go's {@code WaitForCacheSync}. Returns whether the caches synced. Never call it on an
   * event loop.
   */
  public boolean waitForCacheSync(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasSynced()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return true;
  }

  /** A readyz check ({@link #SYNC_CHECK_NAME}) naming the informers that have not synced. */
  public HealthCheck syncCheck() {
    return () -> {
      List<String> notSynced = notSynced();
      return notSynced.isEmpty()
          ? Future.succeededFuture()
          : Future.failedFuture(notSynced.size() + " informers not synced yet: " + notSynced);
    };
  }

  private synchronized List<String> notSynced() {
    List<String> names = new ArrayList<>();
    informers.forEach(
        (type, informer) -> {
          if (!started.contains(informer) || !informer.hasSynced()) {
            names.add(type.getSimpleName());
          }
        });
    return names;
  }

  /** The types with an informer, for logs. */
  public synchronized String describe() {
    return informers.keySet().stream().map(Class::getSimpleName).collect(Collectors.joining(","));
  }

  /** Stops all informers. */
  @Override
  public synchronized void close() {
    closed = true;
    factory.stopAllRegisteredInformers();
  }
}
