package dev.kvx.component.controller;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Reconciler.Result;
import dev.kvx.component.workqueue.QueueConfig;
import dev.kvx.component.workqueue.RateLimiter;
import dev.kvx.component.workqueue.RateLimitingQueue;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller loop sample-controller describes, written once for every kvx controller.
 *
 * <ul>
 *   <li>Event handlers ({@link #enqueueHandler()}, {@link #enqueueOwnerHandler(String)}) only put a
 *       {@code namespace/name} key on a rate-limited, de-duplicating queue and return at once.
 *   <li>{@link #start()} waits (on its own thread) until the informers have synced, then starts N
 *       worker threads.
 *   <li>Each worker takes a key, calls {@link Reconciler#reconcile}, then {@code forget}s it on
 *       success or re-adds it rate-limited on error, and always marks it {@code done}. The queue
 *       never hands one key to two workers at once.
 * </ul>
 *
 * <p>The queue's metrics carry the controller's name ({@code workqueue_depth{name="replicaset"}}).
 */
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
  private static final long SYNC_POLL_MILLIS = 100; // client-go's WaitForCacheSync period

  private final String name;
  private final Reconciler reconciler;
  private final RateLimitingQueue<String> queue;
  private final int workers;
  private final int maxRetries;
  private final List<BooleanSupplier> cachesSynced;
  private final List<Thread> workerThreads = new ArrayList<>();
  private Thread runner;
  private final CountDownLatch workersStarted = new CountDownLatch(1);
  private volatile boolean started;

  private Controller(Builder b) {
    this.name = b.name;
    this.reconciler = b.reconciler;
    this.workers = b.workers;
    this.maxRetries = b.maxRetries;
    this.cachesSynced = List.copyOf(b.cachesSynced);
    RateLimiter<String> limiter =
        b.rateLimiter != null ? b.rateLimiter : RateLimiter.defaultControllerRateLimiter(b.clock);
    this.queue = new RateLimitingQueue<>(new QueueConfig(name, b.meterRegistry, b.clock), limiter);
  }

  /** A controller called {@code name} (the queue name, e.g. {@code replicaset}). */
  public static Builder builder(String name, Reconciler reconciler) {
    return new Builder(name, reconciler);
  }

  public String name() {
    return name;
  }

  /** The controller's queue, for delayed or rate-limited adds a reconciler decides on. */
  public RateLimitingQueue<String> queue() {
    return queue;
  }

  /** Queues {@code obj}'s own key. */
  public void enqueue(HasMetadata obj) {
    queue.add(Keys.of(obj));
  }

  public void enqueueKey(String key) {
    queue.add(key);
  }

  public void enqueueAfter(String key, Duration delay) {
    queue.addAfter(key, delay);
  }

  /** Queues the key of {@code obj}'s controlling owner if that owner is of {@code ownerKind}. */
  public void enqueueOwner(String ownerKind, HasMetadata obj) {
    Owners.controllerKey(obj, ownerKind).ifPresent(queue::add);
  }

  /** A handler that queues the key of every added, updated (incl. resync) or deleted object. */
  public ResourceEventHandler<HasMetadata> enqueueHandler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        enqueue(obj);
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        enqueue(newObj);
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        enqueue(obj);
      }
    };
  }

  /**
   * A handler for dependents (e.g. Pods of a ReplicaSet) that queues the key of their controlling
   * owner of {@code ownerKind}. On update it queues the old owner too when the controller reference
   * changed, and it skips resyncs (same resourceVersion): the owner's own informer resyncs the
   * owner.
   */
  public ResourceEventHandler<HasMetadata> enqueueOwnerHandler(String ownerKind) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(HasMetadata obj) {
        enqueueOwner(ownerKind, obj);
      }

      @Override
      public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        if (Objects.equals(
            oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
          return;
        }
        Optional<String> oldOwner = Owners.controllerKey(oldObj, ownerKind);
        Optional<String> newOwner = Owners.controllerKey(newObj, ownerKind);
        newOwner.ifPresent(queue::add);
        if (oldOwner.isPresent() && !oldOwner.equals(newOwner)) {
          queue.add(oldOwner.get());
        }
      }

      @Override
      public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        enqueueOwner(ownerKind, obj);
      }
    };
  }

  /**
   * Starts the controller without blocking: a thread waits for the caches to sync, then starts the
   * workers. Keys queued before that wait in the queue.
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("controller " + name + " already started");
    }
    started = true;
    runner = new Thread(this::run, name + "-controller");
    runner.setDaemon(true);
    runner.start();
  }

  /** Whether the caches synced and the workers run. */
  public boolean workersStarted() {
    return workersStarted.getCount() == 0;
  }

  private void run() {
    LOG.info("Waiting for caches to sync for {} controller", name);
    try {
      while (!cachesSynced.stream().allMatch(BooleanSupplier::getAsBoolean)) {
        if (queue.shuttingDown()) {
          return;
        }
        TimeUnit.MILLISECONDS.sleep(SYNC_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (queue.shuttingDown()) {
      return;
    }
    LOG.info("Caches are synced for {} controller; starting {} workers", name, workers);
    synchronized (this) {
      for (int i = 0; i < workers; i++) {
        Thread worker = new Thread(this::runWorker, name + "-worker-" + i);
        worker.setDaemon(true);
        workerThreads.add(worker);
        worker.start();
      }
    }
    workersStarted.countDown();
  }

  private void runWorker() {
    try {
      String key;
      while ((key = queue.get()) != null) {
        processItem(key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void processItem(String key) {
    try {
      Result result = reconciler.reconcile(key);
      queue.forget(key);
      if (result != null && result.requeueAfter() != null) {
        queue.addAfter(key, result.requeueAfter());
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // A failing key must not kill the worker: it is retried with backoff (client-go's
      // HandleError).
      if (maxRetries >= 0 && queue.numRequeues(key) >= maxRetries) {
        LOG.warn("Dropping {} out of the {} queue after {} retries", key, name, maxRetries, e);
        queue.forget(key);
      } else {
        LOG.warn("Error syncing {} in {} controller, requeuing", key, name, e);
        queue.addRateLimited(key);
      }
    } finally {
      queue.done(key);
    }
  }

  /** Shuts the queue down: workers finish their current key and exit; does not wait. */
  public void shutDown() {
    queue.shutDown();
  }

  /** Waits until the controller's threads have exited; true if they did within {@code timeout}. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Thread r;
    synchronized (this) {
      r = runner;
    }
    if (r == null) {
      return true; // never started
    }
    // The runner starts the workers, so once it has exited the worker list is final.
    if (!join(r, deadline)) {
      return false;
    }
    List<Thread> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(workerThreads);
    }
    for (Thread t : snapshot) {
      if (!join(t, deadline)) {
        return false;
      }
    }
    return true;
  }

  private static boolean join(Thread t, long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.timedJoin(t, left);
    }
    return !t.isAlive();
  }

  /** {@link #shutDown()} and wait up to 30 s for the workers. */
  @Override
  public void close() throws InterruptedException {
    shutDown();
    if (!awaitTermination(Duration.ofSeconds(30))) {
      LOG.warn("{} controller workers still running 30 s after shutdown", name);
    }
  }

  /** Options of a {@link Controller}. */
  public static final class Builder {
    private final String name;
    private final Reconciler reconciler;
    private int workers = 1;
    private int maxRetries = -1;
    private RateLimiter<String> rateLimiter;
    private MeterRegistry meterRegistry;
    private Clock clock = Clock.system();
    private final List<BooleanSupplier> cachesSynced = new ArrayList<>();

    private Builder(String name, Reconciler reconciler) {
      this.name = Objects.requireNonNull(name, "name");
      this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
    }

    /** Concurrent workers (upstream flags like --concurrent-replicaset-syncs; default 1). */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1");
      }
      this.workers = workers;
      return this;
    }

    /** Gives up on a key after this many rate-limited retries (default: never). */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /** Default: {@link RateLimiter#defaultControllerRateLimiter(Clock)}. */
    public Builder rateLimiter(RateLimiter<String> rateLimiter) {
      this.rateLimiter = rateLimiter;
      return this;
    }

    /** Where the workqueue metrics go (default: none). */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Workers start only once these informers have synced. */
    public Builder waitForSync(SharedIndexInformer<?>... informers) {
      for (SharedIndexInformer<?> informer : informers) {
        cachesSynced.add(informer::hasSynced);
      }
      return this;
    }

    /** Workers start only once {@code synced} is true (e.g. {@code informerFactory::hasSynced}). */
    public Builder waitForSync(BooleanSupplier synced) {
      cachesSynced.add(synced);
      return this;
    }

    public Controller build() {
      return new Controller(this);
    }
  }
}
