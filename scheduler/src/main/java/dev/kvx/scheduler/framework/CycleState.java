package dev.kvx.scheduler.framework;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data plugins share within one scheduling cycle (upstream {@code CycleState}): a PreFilter plugin
 * writes what its Filter reads, a PreScore plugin what its Score reads. Keys are plugin-private (by
 * convention {@code "PreFilter" + NAME}).
 *
 * <p>Thread-safe, so filters may run in parallel. {@link #copy()} deep-copies the data, which
 * preemption uses to simulate removing pods from a node without touching the real cycle.
 */
public final class CycleState {

  /** A value kept in the cycle state; {@link #copy()} must return an independent copy. */
  public interface StateData {
    StateData copy();
  }

  private final Map<String, StateData> data;
  private final Set<String> skipFilterPlugins;
  private final Set<String> skipScorePlugins;
  private volatile boolean recordPluginMetrics;
  // The filter plugins not skipped by their PreFilter, set by the framework once per cycle.
  volatile List<FilterPlugin> filtersToRun;

  public CycleState() {
    this(new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
  }

  private CycleState(
      Map<String, StateData> data, Set<String> skipFilterPlugins, Set<String> skipScorePlugins) {
    this.data = data;
    this.skipFilterPlugins = skipFilterPlugins;
    this.skipScorePlugins = skipScorePlugins;
  }

  /**
   * The value under {@code key}.
   *
   * @throws IllegalStateException if nothing was written there (the PreFilter did not run)
   */
  public <T extends StateData> T read(String key, Class<T> type) {
    StateData value = data.get(key);
    if (value == null) {
      throw new IllegalStateException("reading \"" + key + "\" from cycleState: not found");
    }
    return type.cast(value);
  }

  /** The value under {@code key}, or null. */
  public <T extends StateData> T readOrNull(String key, Class<T> type) {
    StateData value = data.get(key);
    return value == null ? null : type.cast(value);
  }

  public void write(String key, StateData value) {
    data.put(key, value);
  }

  public void delete(String key) {
    data.remove(key);
  }

  /** Plugins whose PreFilter returned Skip: their Filter is not run this cycle. */
  public Set<String> skipFilterPlugins() {
    return skipFilterPlugins;
  }

  /** Plugins whose PreScore returned Skip: their Score is not run this cycle. */
  public Set<String> skipScorePlugins() {
    return skipScorePlugins;
  }

  /** Whether this cycle is sampled for scheduler_plugin_execution_duration_seconds. */
  public boolean recordPluginMetrics() {
    return recordPluginMetrics;
  }

  public void setRecordPluginMetrics(boolean record) {
    this.recordPluginMetrics = record;
  }

  /** A deep copy: every value copied with {@link StateData#copy()}. */
  public CycleState copy() {
    Map<String, StateData> dataCopy = new ConcurrentHashMap<>();
    data.forEach((k, v) -> dataCopy.put(k, v.copy()));
    Set<String> skipFilter = ConcurrentHashMap.newKeySet();
    skipFilter.addAll(skipFilterPlugins);
    Set<String> skipScore = ConcurrentHashMap.newKeySet();
    skipScore.addAll(skipScorePlugins);
    CycleState copy = new CycleState(dataCopy, skipFilter, skipScore);
    copy.recordPluginMetrics = recordPluginMetrics;
    copy.filtersToRun = filtersToRun;
    return copy;
  }
}
