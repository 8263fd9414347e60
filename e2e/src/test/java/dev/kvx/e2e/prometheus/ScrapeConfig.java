package dev.kvx.e2e.prometheus;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The sample {@code manifests/prometheus/prometheus.yml} made to fit one running cluster: the data
 * dir written in (as its header tells users to do with sed), the static targets moved from the
 * default ports to the ports the cluster actually uses, and short scrape intervals for a test. Each
 * replaced text must occur in the sample, so a sample that drifts from what the test expects fails
 * here rather than scraping nothing.
 */
final class ScrapeConfig {

  /** The placeholder for the cluster's data dir in the sample. */
  static final String DATA_DIR_PLACEHOLDER = "/KVX_DATA_DIR";

  /** The sample's static targets, by job name: the components' default addresses. */
  static final Map<String, String> DEFAULT_TARGETS =
      Map.of(
          "kube-apiserver", "127.0.0.1:6443",
          "kube-scheduler", "127.0.0.1:10259",
          "kube-controller-manager", "127.0.0.1:10257");

  private ScrapeConfig() {}

  /**
   * @param sample the text of the sample configuration
   * @param dataDir the cluster's data dir (holds pki/ and receives prometheus/kubelets.json)
   * @param metricsUrls job name → URL of that component's /metrics, for the static jobs
   * @param interval scrape interval and timeout, e.g. {@code 2s}
   */
  static String forCluster(
      String sample, Path dataDir, Map<String, String> metricsUrls, String interval) {
    String config = replace(sample, DATA_DIR_PLACEHOLDER, dataDir.toString());
    for (Map.Entry<String, String> target : DEFAULT_TARGETS.entrySet()) {
      String url = metricsUrls.get(target.getKey());
      if (url == null) {
        throw new IllegalArgumentException("no /metrics URL for job " + target.getKey());
      }
      URI uri = URI.create(url);
      config = replace(config, '"' + target.getValue() + '"', '"' + uri.getAuthority() + '"');
    }
    config = replace(config, "scrape_interval: 15s", "scrape_interval: " + interval);
    return replace(config, "scrape_timeout: 10s", "scrape_timeout: " + interval);
  }

  private static String replace(String text, String what, String with) {
    if (!text.contains(what)) {
      throw new IllegalStateException("the sample scrape config no longer contains " + what);
    }
    return text.replace(what, with);
  }
}
