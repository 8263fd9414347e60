package dev.kvx.scheduler.framework;

import dev.kvx.component.clock.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One profile's plugins and the code that runs them at each extension point (upstream's {@code
 * frameworkImpl}). Plugins run in profile order; a plugin's status is attributed to it; a plugin's
 * exception becomes an Error status. Durations are reported to {@link PluginMetrics} for cycles
 * whose {@link CycleState#recordPluginMetrics()} is set.
 *
 * <p>Thread-safety: the framework holds no per-cycle state; concurrent cycles may use it.
 */
public final class Framework {
  public static final String PRE_ENQUEUE = "PreEnqueue";
  public static final String PRE_FILTER = "PreFilter";
  public static final String FILTER = "Filter";
  public static final String POST_FILTER = "PostFilter";
  public static final String PRE_SCORE = "PreScore";
  public static final String SCORE = "Score";
  public static final String NORMALIZE_SCORE = "ScoreExtensionNormalize";
  public static final String RESERVE = "Reserve";
  public static final String UNRESERVE = "Unreserve";
  public static final String BIND = "Bind";
  public static final String PRE_FILTER_EXTENSION_ADD_POD = "PreFilterExtensionAddPod";
  public static final String PRE_FILTER_EXTENSION_REMOVE_POD = "PreFilterExtensionRemovePod";

  private final String profileName;
  private final Map<String, Plugin> plugins = new LinkedHashMap<>();
  private final List<PreEnqueuePlugin> preEnqueuePlugins = new ArrayList<>();
  private final List<PreFilterPlugin> preFilterPlugins = new ArrayList<>();
  private final List<FilterPlugin> filterPlugins = new ArrayList<>();
  private final List<PostFilterPlugin> postFilterPlugins = new ArrayList<>();
  private final List<PreScorePlugin> preScorePlugins = new ArrayList<>();
  private final List<ScorePlugin> scorePlugins = new ArrayList<>();
  private final Map<String, Integer> scoreWeights = new HashMap<>();
  private final List<ReservePlugin> reservePlugins = new ArrayList<>();
  private final List<BindPlugin> bindPlugins = new ArrayList<>();
  private final PluginMetrics metrics;
  private final Handle handle;

  private Framework(Builder b) {
    this.profileName = b.profile.schedulerName();
    this.metrics = b.metrics;
    this.handle = new FrameworkHandle(b);
    for (Profile.PluginRef ref : b.profile.plugins()) {
      Registry.PluginFactory factory = b.registry.get(ref.name());
      if (factory == null) {
        throw new IllegalArgumentException("plugin " + ref.name() + " does not exist");
      }
      Plugin p = factory.create(handle);
      if (!p.name().equals(ref.name())) {
        throw new IllegalStateException("factory of " + ref.name() + " built " + p.name());
      }
      plugins.put(p.name(), p);
      if (p instanceof PreEnqueuePlugin x) {
        preEnqueuePlugins.add(x);
      }
      if (p instanceof PreFilterPlugin x) {
        preFilterPlugins.add(x);
      }
      if (p instanceof FilterPlugin x) {
        filterPlugins.add(x);
      }
      if (p instanceof PostFilterPlugin x) {
        postFilterPlugins.add(x);
      }
      if (p instanceof PreScorePlugin x) {
        preScorePlugins.add(x);
      }
      if (p instanceof ScorePlugin x) {
        scorePlugins.add(x);
        // Upstream: a score plugin enabled without a weight gets weight 1.
        scoreWeights.put(p.name(), ref.weight() == 0 ? 1 : ref.weight());
      }
      if (p instanceof ReservePlugin x) {
        reservePlugins.add(x);
      }
      if (p instanceof BindPlugin x) {
        bindPlugins.add(x);
      }
    }
    if (bindPlugins.isEmpty()) {
      throw new IllegalArgumentException("profile " + profileName + " has no bind plugin");
    }
  }

  public static Builder builder(Profile profile, Registry registry) {
    return new Builder(profile, registry);
  }

  public String profileName() {
    return profileName;
  }

  public Handle handle() {
    return handle;
  }

  /** The enabled plugins by name, in profile order. */
  public Map<String, Plugin> plugins() {
    return Collections.unmodifiableMap(plugins);
  }

  /** The cluster events each enabled plugin registered (plugin name → events). */
  public Map<String, List<ClusterEvent>> eventsToRegister() {
    Map<String, List<ClusterEvent>> out = new LinkedHashMap<>();
    for (Plugin p : plugins.values()) {
      if (p instanceof EnqueueExtensions e) {
        out.put(p.name(), List.copyOf(e.eventsToRegister()));
      }
    }
    return out;
  }

  public boolean hasFilterPlugins() {
    return !filterPlugins.isEmpty();
  }

  public boolean hasScorePlugins() {
    return !scorePlugins.isEmpty();
  }

  public boolean hasPostFilterPlugins() {
    return !postFilterPlugins.isEmpty();
  }

  /** PreEnqueue: the first non-success status (the pod stays gated), or success. */
  public Status runPreEnqueuePlugins(PodInfo pod) {
    for (PreEnqueuePlugin p : preEnqueuePlugins) {
      Status s = call(p.name(), PRE_ENQUEUE, false, () -> p.preEnqueue(pod));
      if (!s.isSuccess()) {
        return s;
      }
    }
    return Status.success();
  }

  /**
   * PreFilter: plugins returning Skip are recorded in the state (their filters won't run); the
   * first rejection or error is returned.
   */
  public Status runPreFilterPlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    state.filtersToRun = null;
    for (PreFilterPlugin p : preFilterPlugins) {
      Status s =
          call(
              p.name(),
              PRE_FILTER,
              state.recordPluginMetrics(),
              () -> p.preFilter(state, pod, nodes));
      if (s.isSkip()) {
        state.skipFilterPlugins().add(p.name());
      } else if (!s.isSuccess()) {
        if (s.code() == Status.Code.UNSCHEDULABLE
            || s.code() == Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE) {
          return s;
        }
        return Status.error("running PreFilter plugin \"" + p.name() + "\": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.success();
  }

  /** PreFilterExtensions.addPod of every PreFilter plugin that has them (preemption). */
  public Status runPreFilterExtensionAddPod(
      CycleState state, PodInfo podToSchedule, PodInfo podToAdd, NodeInfo nodeInfo) {
    for (PreFilterPlugin p : preFilterPlugins) {
      PreFilterExtensions ext = p.preFilterExtensions();
      if (ext == null || state.skipFilterPlugins().contains(p.name())) {
        continue;
      }
      Status s =
          call(
              p.name(),
              PRE_FILTER_EXTENSION_ADD_POD,
              state.recordPluginMetrics(),
              () -> ext.addPod(state, podToSchedule, podToAdd, nodeInfo));
      if (!s.isSuccess()) {
        return Status.error(
                "running AddPod on PreFilter plugin \"" + p.name() + "\": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.success();
  }

  /** PreFilterExtensions.removePod of every PreFilter plugin that has them (preemption). */
  public Status runPreFilterExtensionRemovePod(
      CycleState state, PodInfo podToSchedule, PodInfo podToRemove, NodeInfo nodeInfo) {
    for (PreFilterPlugin p : preFilterPlugins) {
      PreFilterExtensions ext = p.preFilterExtensions();
      if (ext == null || state.skipFilterPlugins().contains(p.name())) {
        continue;
      }
      Status s =
          call(
              p.name(),
              PRE_FILTER_EXTENSION_REMOVE_POD,
              state.recordPluginMetrics(),
              () -> ext.removePod(state, podToSchedule, podToRemove, nodeInfo));
      if (!s.isSuccess()) {
        return Status.error(
                "running RemovePod on PreFilter plugin \"" + p.name() + "\": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.success();
  }

  /**
   * Filter: the first non-success status on this node, attributed to its plugin, or success. The
   * hot path of scheduling (plugins × evaluated nodes per cycle): no allocation when it passes.
   */
  public Status runFilterPlugins(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    List<FilterPlugin> plugins = state.filtersToRun;
    if (plugins == null) {
      List<FilterPlugin> active = new ArrayList<>(filterPlugins.size());
      for (FilterPlugin p : filterPlugins) {
        if (!state.skipFilterPlugins().contains(p.name())) {
          active.add(p);
        }
      }
      plugins = List.copyOf(active);
      state.filtersToRun = plugins;
    }
    boolean sample = state.recordPluginMetrics();
    for (int i = 0; i < plugins.size(); i++) {
      FilterPlugin p = plugins.get(i);
      long start = sample ? System.nanoTime() : 0;
      Status s;
      try {
        s = p.filter(state, pod, nodeInfo);
        if (s == null) {
          s = Status.success();
        }
      } catch (RuntimeException e) {
        s = Status.error(e);
      }
      record(p.name(), FILTER, sample, s, start);
      if (!s.isSuccess()) {
        s = s.withPlugin(p.name());
        if (!s.isRejected()) {
          return Status.error("running \"" + p.name() + "\" filter plugin: " + s.message())
              .withPlugin(p.name());
        }
        return s;
      }
    }
    return Status.success();
  }

  /**
   * Filter with the pods nominated to this node taken into account (upstream's {@code
   * RunFilterPluginsWithNominatedPods}): nominated pods of equal or higher priority count as if
   * already there, so a lower-priority pod cannot take room a preemptor waits for. The pod must
   * pass both with and without them (some filters, like affinity, may pass only with them).
   */
  public Status runFilterPluginsWithNominatedPods(
      CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    List<PodInfo> nominated =
        nodeInfo.node() == null
            ? List.of()
            : handle.nominator().nominatedPodsForNode(nodeInfo.name());
    if (nominated.isEmpty()) {
      return runFilterPlugins(state, pod, nodeInfo);
    }
    CycleState stateWith = state.copy();
    NodeInfo withNominated = nodeInfo.copy();
    boolean added = false;
    for (PodInfo p : nominated) {
      if (p.priority() >= pod.priority() && !Objects.equals(p.uid(), pod.uid())) {
        withNominated.addPod(p);
        Status s = runPreFilterExtensionAddPod(stateWith, pod, p, withNominated);
        if (!s.isSuccess()) {
          return s;
        }
        added = true;
      }
    }
    if (added) {
      Status s = runFilterPlugins(stateWith, pod, withNominated);
      if (!s.isSuccess()) {
        return s;
      }
    }
    return runFilterPlugins(state, pod, nodeInfo);
  }

  /** PostFilter: the first success ends the run; otherwise the last non-success result. */
  public PostFilterResult runPostFilterPlugins(
      CycleState state, PodInfo pod, NodeToStatus statuses) {
    PostFilterResult last = PostFilterResult.of(Status.unschedulable());
    List<String> messages = new ArrayList<>();
    for (PostFilterPlugin p : postFilterPlugins) {
      PostFilterResult r;
      long start = System.nanoTime();
      try {
        r = p.postFilter(state, pod, statuses);
      } catch (RuntimeException e) {
        r = PostFilterResult.of(Status.error(e));
      }
      record(p.name(), POST_FILTER, state.recordPluginMetrics(), r.status(), start);
      Status s = r.status().withPlugin(p.name());
      if (s.isSuccess()) {
        return new PostFilterResult(s, r.nominatedNodeName());
      }
      if (!s.isRejected()) {
        return new PostFilterResult(s, r.nominatedNodeName());
      }
      if (!s.message().isEmpty()) {
        messages.add(s.message());
      }
      last = new PostFilterResult(s, r.nominatedNodeName());
    }
    if (messages.size() > 1) {
      return new PostFilterResult(
          Status.unschedulable(String.join(", ", messages)).withPlugin(last.status().plugin()),
          last.nominatedNodeName());
    }
    return last;
  }

  /** PreScore: plugins returning Skip are recorded (their Score won't run); errors are returned. */
  public Status runPreScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    for (PreScorePlugin p : preScorePlugins) {
      Status s =
          call(
              p.name(),
              PRE_SCORE,
              state.recordPluginMetrics(),
              () -> p.preScore(state, pod, nodes));
      if (s.isSkip()) {
        state.skipScorePlugins().add(p.name());
      } else if (!s.isSuccess()) {
        return Status.error("running PreScore plugin \"" + p.name() + "\": " + s.message())
            .withPlugin(p.name());
      }
    }
    return Status.success();
  }

  /**
   * Score, normalize and weigh: one total per node, in {@code nodes}' order.
   *
   * @throws ScoreException when a plugin fails or returns a score outside [0, 100]
   */
  public long[] runScorePlugins(CycleState state, PodInfo pod, List<NodeInfo> nodes)
      throws ScoreException {
    long[] totals = new long[nodes.size()];
    for (ScorePlugin p : scorePlugins) {
      if (state.skipScorePlugins().contains(p.name())) {
        continue;
      }
      List<NodeScore> scores = new ArrayList<>(nodes.size());
      boolean sample = state.recordPluginMetrics();
      long start = System.nanoTime();
      try {
        for (NodeInfo n : nodes) {
          scores.add(new NodeScore(n.name(), p.score(state, pod, n)));
        }
      } catch (RuntimeException e) {
        record(p.name(), SCORE, sample, Status.error(e), start);
        throw new ScoreException(Status.error(e).withPlugin(p.name()));
      }
      record(p.name(), SCORE, sample, Status.success(), start);
      ScoreExtensions ext = p.scoreExtensions();
      if (ext != null) {
        Status s =
            call(p.name(), NORMALIZE_SCORE, sample, () -> ext.normalizeScore(state, pod, scores));
        if (!s.isSuccess()) {
          throw new ScoreException(
              Status.error("running Normalize on Score plugins: " + s.message())
                  .withPlugin(p.name()));
        }
      }
      int weight = scoreWeights.get(p.name());
      for (int i = 0; i < totals.length; i++) {
        long score = scores.get(i).score();
        if (score < ScorePlugin.MIN_NODE_SCORE || score > ScorePlugin.MAX_NODE_SCORE) {
          throw new ScoreException(
              Status.error(
                      "plugin \""
                          + p.name()
                          + "\" returns an invalid score "
                          + score
                          + ", it should in the range of [0, 100] after normalizing")
                  .withPlugin(p.name()));
        }
        totals[i] += score * weight;
      }
    }
    return totals;
  }

  /** Reserve: on the first failure, already reserved plugins are unreserved by the caller. */
  public Status runReservePluginsReserve(CycleState state, PodInfo pod, String nodeName) {
    for (ReservePlugin p : reservePlugins) {
      Status s =
          call(
              p.name(),
              RESERVE,
              state.recordPluginMetrics(),
              () -> p.reserve(state, pod, nodeName));
      if (!s.isSuccess()) {
        return s.isRejected()
            ? s
            : Status.error("running Reserve plugin \"" + p.name() + "\": " + s.message())
                .withPlugin(p.name());
      }
    }
    return Status.success();
  }

  /** Unreserve in reverse order, as upstream; never fails. */
  public void runReservePluginsUnreserve(CycleState state, PodInfo pod, String nodeName) {
    for (int i = reservePlugins.size() - 1; i >= 0; i--) {
      ReservePlugin p = reservePlugins.get(i);
      try {
        p.unreserve(state, pod, nodeName);
      } catch (RuntimeException e) {
        // Unreserve must not fail; a broken plugin must not stop the others.
      }
    }
  }

  /** Bind: the first bind plugin that does not skip decides. */
  public CompletableFuture<Status> runBindPlugins(CycleState state, PodInfo pod, String nodeName) {
    return bindFrom(0, state, pod, nodeName);
  }

  private CompletableFuture<Status> bindFrom(
      int i, CycleState state, PodInfo pod, String nodeName) {
    if (i >= bindPlugins.size()) {
      return CompletableFuture.completedFuture(
          Status.error("no bind plugin bound pod " + pod.key()));
    }
    BindPlugin p = bindPlugins.get(i);
    long start = System.nanoTime();
    boolean sample = state.recordPluginMetrics();
    CompletableFuture<Status> f;
    try {
      f = p.bind(state, pod, nodeName);
    } catch (RuntimeException e) {
      f = CompletableFuture.completedFuture(Status.error(e));
    }
    return f.exceptionally(Status::error)
        .thenCompose(
            s -> {
              record(p.name(), BIND, sample, s, start);
              if (s.isSkip()) {
                return bindFrom(i + 1, state, pod, nodeName);
              }
              return CompletableFuture.completedFuture(s.withPlugin(p.name()));
            });
  }

  private Status call(String plugin, String extensionPoint, boolean sample, Supplier<Status> body) {
    long start = sample ? System.nanoTime() : 0;
    Status s;
    try {
      s = body.get();
      if (s == null) {
        s = Status.success();
      }
    } catch (RuntimeException e) {
      s = Status.error(e);
    }
    record(plugin, extensionPoint, sample, s, start);
    return s.isSuccess() || s.isSkip() ? s : s.withPlugin(plugin);
  }

  private void record(String plugin, String extensionPoint, boolean sample, Status s, long start) {
    if (sample) {
      metrics.observe(plugin, extensionPoint, s.code(), System.nanoTime() - start);
    }
  }

  /** A score plugin failed; the cycle ends with its Error status. */
  public static final class ScoreException extends Exception {
    private final transient Status status;

    public ScoreException(Status status) {
      super(status.message(), null, false, false);
      this.status = status;
    }

    public Status status() {
      return status;
    }
  }

  /** What a framework needs from the scheduler it runs in. */
  public static final class Builder {
    private final Profile profile;
    private final Registry registry;
    private Supplier<SharedLister> snapshot = () -> null;
    private PodNominator nominator = PodNominator.none();
    private ClusterApi api;
    private Clock clock = Clock.system();
    private PluginMetrics metrics = PluginMetrics.NONE;

    private Builder(Profile profile, Registry registry) {
      this.profile = Objects.requireNonNull(profile, "profile");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Where plugins find the current cycle's snapshot. */
    public Builder snapshot(Supplier<SharedLister> snapshot) {
      this.snapshot = snapshot;
      return this;
    }

    public Builder snapshot(SharedLister snapshot) {
      return snapshot(() -> snapshot);
    }

    public Builder nominator(PodNominator nominator) {
      this.nominator = nominator;
      return this;
    }

    public Builder api(ClusterApi api) {
      this.api = api;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder metrics(PluginMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Framework build() {
      return new Framework(this);
    }
  }

  private final class FrameworkHandle implements Handle {
    private final Supplier<SharedLister> snapshot;
    private final PodNominator nominator;
    private final ClusterApi api;
    private final Clock clock;

    FrameworkHandle(Builder b) {
      this.snapshot = b.snapshot;
      this.nominator = b.nominator;
      this.api = b.api;
      this.clock = b.clock;
    }

    @Override
    public SharedLister snapshot() {
      return snapshot.get();
    }

    @Override
    public PodNominator nominator() {
      return nominator;
    }

    @Override
    public ClusterApi api() {
      return api;
    }

    @Override
    public Clock clock() {
      return clock;
    }

    @Override
    public Framework framework() {
      return Framework.this;
    }
  }
}
