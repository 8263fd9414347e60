package dev.kvx.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a kubelet-agent runs: the flags of {@code kvx kubelet-agent}, named as the kubelet's where
 * one exists. Setters chain; defaults are upstream's.
 */
public final class KubeletOptions {
  /** The two runtimes. */
  public enum Runtime {
    DOCKER,
    SIMULATED
  }

  public static final int DEFAULT_PORT = 10250;
  public static final int DEFAULT_MAX_PODS = 110;

  /** Upstream's default sandbox image; tests and offline machines use a local busybox image. */
  public static final String DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.10";

  private Path kubeconfig;
  private String nodeName;
  private Runtime runtime = Runtime.DOCKER;
  private int nodes = 1;
  private Path rootDir;
  private String address = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private String nodeIp;
  private Map<String, String> nodeLabels = new LinkedHashMap<>();
  private String cpu;
  private String memory;
  private String ephemeralStorage;
  private int maxPods = DEFAULT_MAX_PODS;
  private String dockerHost;
  private String sandboxImage = DEFAULT_SANDBOX_IMAGE;
  private List<String> sandboxCommand;
  private Duration simulatedRunningDelay = Duration.ofSeconds(1);
  private String podCidr;
  private Duration simulatedCompleteDelay = Duration.ofSeconds(5);
  private Path tlsCertFile;
  private Path tlsPrivateKeyFile;
  private Path clientCaFile;
  private KubeletTimings timings = KubeletTimings.upstream();

  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubeletOptions kubeconfig(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
    return this;
  }

  /** The node's name; with several simulated nodes, the prefix of {@code NAME-0 … NAME-(N-1)}. */
  public String nodeName() {
    return nodeName;
  }

  public KubeletOptions nodeName(String nodeName) {
    this.nodeName = nodeName;
    return this;
  }

  public Runtime runtime() {
    return runtime;
  }

  public KubeletOptions runtime(Runtime runtime) {
    this.runtime = Objects.requireNonNull(runtime);
    return this;
  }

  /** How many nodes this process runs (simulated runtime only). */
  public int nodes() {
    return nodes;
  }

  public KubeletOptions nodes(int nodes) {
    this.nodes = nodes;
    return this;
  }

  /** Where pod volumes and the serving certificate live (upstream {@code /var/lib/kubelet}). */
  public Path rootDir() {
    return rootDir;
  }

  public KubeletOptions rootDir(Path rootDir) {
    this.rootDir = rootDir;
    return this;
  }

  /** The address the agent's HTTPS port listens on. */
  public String address() {
    return address;
  }

  public KubeletOptions address(String address) {
    this.address = address;
    return this;
  }

  /** The HTTPS port (logs, exec, health, metrics); 0 picks a free one. */
  public int port() {
    return port;
  }

  public KubeletOptions port(int port) {
    this.port = port;
    return this;
  }

  /** The node's InternalIP (where the API server reaches the agent); null: detected. */
  public String nodeIp() {
    return nodeIp;
  }

  public KubeletOptions nodeIp(String nodeIp) {
    this.nodeIp = nodeIp;
    return this;
  }

  public Map<String, String> nodeLabels() {
    return nodeLabels;
  }

  public KubeletOptions nodeLabels(Map<String, String> nodeLabels) {
    this.nodeLabels = new LinkedHashMap<>(nodeLabels);
    return this;
  }

  /** Capacity overrides as quantities ({@code 4}, {@code 8Gi}); null: the host's. */
  public String cpu() {
    return cpu;
  }

  public KubeletOptions cpu(String cpu) {
    this.cpu = cpu;
    return this;
  }

  public String memory() {
    return memory;
  }

  public KubeletOptions memory(String memory) {
    this.memory = memory;
    return this;
  }

  public String ephemeralStorage() {
    return ephemeralStorage;
  }

  public KubeletOptions ephemeralStorage(String ephemeralStorage) {
    this.ephemeralStorage = ephemeralStorage;
    return this;
  }

  public int maxPods() {
    return maxPods;
  }

  public KubeletOptions maxPods(int maxPods) {
    this.maxPods = maxPods;
    return this;
  }

  /** The Docker engine ({@code unix:///var/run/docker.sock}); null: {@code $DOCKER_HOST}. */
  public String dockerHost() {
    return dockerHost;
  }

  public KubeletOptions dockerHost(String dockerHost) {
    this.dockerHost = dockerHost;
    return this;
  }

  /** The sandbox image (upstream {@code --pod-infra-container-image}). */
  public String sandboxImage() {
    return sandboxImage;
  }

  public KubeletOptions sandboxImage(String sandboxImage) {
    this.sandboxImage = sandboxImage;
    return this;
  }

  /** The sandbox's command; null runs the image's own (a pause image's). */
  public List<String> sandboxCommand() {
    return sandboxCommand;
  }

  public KubeletOptions sandboxCommand(List<String> sandboxCommand) {
    this.sandboxCommand = sandboxCommand == null ? null : List.copyOf(sandboxCommand);
    return this;
  }

  /**
   * Simulated runtime without a controller manager: the pod CIDR its nodes use ({@link
   * dev.kvx.kubelet.runtime.simulated.PodIpRange#perNode}) instead of waiting for the node IPAM
   * controller's; null (default) waits.
   */
  public String podCidr() {
    return podCidr;
  }

  public KubeletOptions podCidr(String podCidr) {
    this.podCidr = podCidr;
    return this;
  }

  public Duration simulatedRunningDelay() {
    return simulatedRunningDelay;
  }

  public KubeletOptions simulatedRunningDelay(Duration d) {
    this.simulatedRunningDelay = d;
    return this;
  }

  /** Negative: containers of Never/OnFailure pods never complete on their own. */
  public Duration simulatedCompleteDelay() {
    return simulatedCompleteDelay;
  }

  public KubeletOptions simulatedCompleteDelay(Duration d) {
    this.simulatedCompleteDelay = d;
    return this;
  }

  /** The serving certificate and key (PEM); null: a self-signed one under the root dir. */
  public Path tlsCertFile() {
    return tlsCertFile;
  }

  public KubeletOptions tlsCertFile(Path f) {
    this.tlsCertFile = f;
    return this;
  }

  public Path tlsPrivateKeyFile() {
    return tlsPrivateKeyFile;
  }

  public KubeletOptions tlsPrivateKeyFile(Path f) {
    this.tlsPrivateKeyFile = f;
    return this;
  }

  /**
   * The CA that signs the client certificates allowed to read logs and exec (the API server's);
   * null: the CA of the kubeconfig's cluster.
   */
  public Path clientCaFile() {
    return clientCaFile;
  }

  public KubeletOptions clientCaFile(Path f) {
    this.clientCaFile = f;
    return this;
  }

  public KubeletTimings timings() {
    return timings;
  }

  /** Shorter periods and back-offs for tests. */
  public KubeletOptions timings(KubeletTimings timings) {
    this.timings = Objects.requireNonNull(timings);
    return this;
  }

  /** The names of the nodes this process runs. */
  public List<String> nodeNames() {
    if (nodes <= 1) {
      return List.of(nodeName);
    }
    return java.util.stream.IntStream.range(0, nodes).mapToObj(i -> nodeName + "-" + i).toList();
  }
}
