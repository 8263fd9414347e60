package dev.kvx.kubelet.volume;

import dev.kvx.kubelet.pod.ConfigSource;
import dev.kvx.kubelet.pod.EnvResolver;
import dev.kvx.kubelet.pod.FieldRefs;
import dev.kvx.kubelet.pod.PodContext;
import dev.kvx.kubelet.pod.PodSpecs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Materialises a pod's volumes on the node under {@code <root-dir>/pods/<uid>/volumes/} (the
 * kubelet's layout: {@code kubernetes.io~empty-dir/NAME}, {@code kubernetes.io~configmap/NAME}, …),
 * for the runtime to bind-mount: emptyDir, hostPath, configMap, secret, downwardAPI and projected
 * (configMap, secret, downwardAPI and serviceAccountToken sources). ConfigMap, Secret and downward
 * API contents are rewritten atomically when they change.
 *
 * <p>Blocking (file I/O, API reads): pod worker threads only.
 */
public final class VolumeManager {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
  private static final int DEFAULT_MODE = 0644;

  private final Path rootDir;
  private final ConfigSource source;
  private final KubernetesClient client;

  /** {@code client} is used for service account tokens; null skips them. */
  public VolumeManager(Path rootDir, ConfigSource source, KubernetesClient client) {
    this.rootDir = rootDir;
    this.source = source;
    this.client = client;
  }

  public Path podDir(String uid) {
    return rootDir.resolve("pods").resolve(uid);
  }

  /** Sets up (or refreshes) every volume of {@code pod}; returns volume name to host path. */
  public Map<String, Path> setUp(Pod pod, String podIp, PodContext ctx) throws VolumeException {
    Map<String, Path> paths = new LinkedHashMap<>();
    List<Volume> volumes =
        pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
    for (Volume v : volumes) {
      try {
        paths.put(v.getName(), setUp(pod, v, podIp, ctx));
      } catch (IOException e) {
        throw new VolumeException(
            "MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + e.getMessage(), e);
      }
    }
    return paths;
  }

  private Path setUp(Pod pod, Volume v, String podIp, PodContext ctx)
      throws IOException, VolumeException {
    String uid = PodSpecs.uid(pod);
    String ns = pod.getMetadata().getNamespace();
    if (v.getEmptyDir() != null) {
      Path dir = volumeDir(uid, "empty-dir", v.getName());
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        AtomicWriter.chmod(dir, 0777); // any container user may write, as upstream
      }
      return dir;
    }
    if (v.getHostPath() != null) {
      return hostPath(v.getName(), v.getHostPath());
    }
    if (v.getConfigMap() != null) {
      var src = v.getConfigMap();
      Map<String, AtomicWriter.FileContent> payload = new LinkedHashMap<>();
      ConfigMap cm = source.configMap(ns, src.getName());
      if (cm == null && !Boolean.TRUE.equals(src.getOptional())) {
        throw failed(v, "configmap \"" + src.getName() + "\" not found");
      }
      if (cm != null) {
        payload.putAll(
            keys(
                v,
                configMapData(cm),
                src.getItems(),
                mode(src.getDefaultMode()),
                Boolean.TRUE.equals(src.getOptional())));
      }
      return write(uid, "configmap", v.getName(), payload);
    }
    if (v.getSecret() != null) {
      var src = v.getSecret();
      Map<String, AtomicWriter.FileContent> payload = new LinkedHashMap<>();
      Secret s = source.secret(ns, src.getSecretName());
      if (s == null && !Boolean.TRUE.equals(src.getOptional())) {
        throw failed(v, "secret \"" + src.getSecretName() + "\" not found");
      }
      if (s != null) {
        payload.putAll(
            keys(
                v,
                secretData(s),
                src.getItems(),
                mode(src.getDefaultMode()),
                Boolean.TRUE.equals(src.getOptional())));
      }
      return write(uid, "secret", v.getName(), payload);
    }
    if (v.getDownwardAPI() != null) {
      var src = v.getDownwardAPI();
      return write(
          uid,
          "downward-api",
          v.getName(),
          downward(pod, v, src.getItems(), mode(src.getDefaultMode()), podIp, ctx));
    }
    if (v.getProjected() != null) {
      var src = v.getProjected();
      int defaultMode = mode(src.getDefaultMode());
      Map<String, AtomicWriter.FileContent> payload = new LinkedHashMap<>();
      List<VolumeProjection> sources = src.getSources() == null ? List.of() : src.getSources();
      for (VolumeProjection p : sources) {
        if (p.getConfigMap() != null) {
          var cmSrc = p.getConfigMap();
          ConfigMap cm = source.configMap(ns, cmSrc.getName());
          if (cm == null) {
            if (Boolean.TRUE.equals(cmSrc.getOptional())) {
              continue;
            }
            throw failed(v, "configmap \"" + cmSrc.getName() + "\" not found");
          }
          payload.putAll(
              keys(
                  v,
                  configMapData(cm),
                  cmSrc.getItems(),
                  defaultMode,
                  Boolean.TRUE.equals(cmSrc.getOptional())));
        } else if (p.getSecret() != null) {
          var sSrc = p.getSecret();
          Secret s = source.secret(ns, sSrc.getName());
          if (s == null) {
            if (Boolean.TRUE.equals(sSrc.getOptional())) {
              continue;
            }
            throw failed(v, "secret \"" + sSrc.getName() + "\" not found");
          }
          payload.putAll(
              keys(
                  v,
                  secretData(s),
                  sSrc.getItems(),
                  defaultMode,
                  Boolean.TRUE.equals(sSrc.getOptional())));
        } else if (p.getDownwardAPI() != null) {
          payload.putAll(downward(pod, v, p.getDownwardAPI().getItems(), defaultMode, podIp, ctx));
        } else if (p.getServiceAccountToken() != null) {
          byte[] token = token(pod, p.getServiceAccountToken());
          if (token != null) {
            payload.put(
                p.getServiceAccountToken().getPath(),
                new AtomicWriter.FileContent(token, defaultMode));
          }
        }
      }
      return write(uid, "projected", v.getName(), payload);
    }
    throw failed(v, "volume type not supported by kvx");
  }

  private Path hostPath(String name, HostPathVolumeSource src) throws IOException, VolumeException {
    Path path = Path.of(src.getPath());
    String type = src.getType() == null ? "" : src.getType();
    switch (type) {
      case "DirectoryOrCreate" -> {
        if (!Files.isDirectory(path)) {
          Files.createDirectories(path);
          AtomicWriter.chmod(path, 0755);
        }
      }
      case "FileOrCreate" -> {
        if (!Files.exists(path)) {
          Files.createDirectories(path.getParent());
          Files.createFile(path);
          AtomicWriter.chmod(path, 0644);
        }
      }
      case "Directory" -> {
        if (!Files.isDirectory(path)) {
          throw new VolumeException(
              "MountVolume.SetUp failed for volume \""
                  + name
                  + "\" : hostPath type check failed: "
                  + path
                  + " is not a directory");
        }
      }
      case "File" -> {
        if (!Files.isRegularFile(path)) {
          throw new VolumeException(
              "MountVolume.SetUp failed for volume \""
                  + name
                  + "\" : hostPath type check failed: "
                  + path
                  + " is not a file");
        }
      }
      default -> {
        // "" and the device/socket types: no check beyond what the runtime does
      }
    }
    return path;
  }

  private static Map<String, String> configMapData(ConfigMap cm) {
    Map<String, String> data = new LinkedHashMap<>();
    if (cm.getData() != null) {
      data.putAll(cm.getData());
    }
    if (cm.getBinaryData() != null) {
      cm.getBinaryData()
          .forEach(
              (k, v) ->
                  data.put(
                      k, new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1)));
    }
    return data;
  }

  private static Map<String, String> secretData(Secret s) {
    return EnvResolver.secretData(s);
  }

  private static Map<String, AtomicWriter.FileContent> keys(
      Volume v, Map<String, String> data, List<KeyToPath> items, int defaultMode, boolean optional)
      throws VolumeException {
    Map<String, AtomicWriter.FileContent> out = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach(
          (k, val) ->
              out.put(
                  k,
                  new AtomicWriter.FileContent(val.getBytes(StandardCharsets.UTF_8), defaultMode)));
      return out;
    }
    for (KeyToPath item : items) {
      String val = data.get(item.getKey());
      if (val == null) {
        if (optional) {
          continue;
        }
        throw failed(v, "configmap references non-existent config key: " + item.getKey());
      }
      int mode = item.getMode() != null ? item.getMode() : defaultMode;
      out.put(
          item.getPath(), new AtomicWriter.FileContent(val.getBytes(StandardCharsets.UTF_8), mode));
    }
    return out;
  }

  private static Map<String, AtomicWriter.FileContent> downward(
      Pod pod,
      Volume v,
      List<DownwardAPIVolumeFile> items,
      int defaultMode,
      String podIp,
      PodContext ctx)
      throws VolumeException {
    Map<String, AtomicWriter.FileContent> out = new LinkedHashMap<>();
    if (items == null) {
      return out;
    }
    for (DownwardAPIVolumeFile item : items) {
      String value;
      if (item.getFieldRef() != null) {
        try {
          value = FieldRefs.field(pod, item.getFieldRef().getFieldPath(), podIp, ctx);
        } catch (IllegalArgumentException e) {
          throw failed(v, e.getMessage());
        }
      } else if (item.getResourceFieldRef() != null) {
        String containerName = item.getResourceFieldRef().getContainerName();
        Container c =
            PodSpecs.container(pod, containerName == null ? "" : containerName)
                .orElseThrow(() -> failed(v, "container " + containerName + " not found"));
        value = FieldRefs.resource(c, item.getResourceFieldRef(), ctx);
      } else {
        continue;
      }
      int mode = item.getMode() != null ? item.getMode() : defaultMode;
      out.put(
          item.getPath(),
          new AtomicWriter.FileContent(value.getBytes(StandardCharsets.UTF_8), mode));
    }
    return out;
  }

  /** A token for the pod's service account from the TokenRequest API; null if it fails. */
  private byte[] token(Pod pod, ServiceAccountTokenProjection p) {
    if (client == null) {
      return null;
    }
    String sa =
        pod.getSpec().getServiceAccountName() == null
            ? "default"
            : pod.getSpec().getServiceAccountName();
    try {
      TokenRequest request =
          new TokenRequestBuilder()
              .withNewSpec()
              .withAudiences(
                  p.getAudience() == null || p.getAudience().isEmpty()
                      ? null
                      : List.of(p.getAudience()))
              .withExpirationSeconds(
                  p.getExpirationSeconds() == null ? 3607L : p.getExpirationSeconds())
              .withNewBoundObjectRef()
              .withApiVersion("v1")
              .withKind("Pod")
              .withName(pod.getMetadata().getName())
              .withUid(pod.getMetadata().getUid())
              .endBoundObjectRef()
              .endSpec()
              .build();
      TokenRequest answer =
          client
              .serviceAccounts()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(sa)
              .tokenRequest(request);
      return answer.getStatus().getToken().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      LOG.warn(
          "No token for service account {}/{} ({}): the projected volume has no token file",
          pod.getMetadata().getNamespace(),
          sa,
          e.getMessage());
      return null;
    }
  }

  private Path write(
      String uid, String plugin, String name, Map<String, AtomicWriter.FileContent> payload)
      throws IOException {
    Path dir = volumeDir(uid, plugin, name);
    AtomicWriter.write(dir, payload);
    return dir;
  }

  private Path volumeDir(String uid, String plugin, String name) {
    return podDir(uid).resolve("volumes").resolve("kubernetes.io~" + plugin).resolve(name);
  }

  /**
   * A fresh, empty termination message file for one container instance, to bind-mount at its {@code
   * terminationMessagePath}.
   */
  public Path terminationMessageFile(String uid, String container, int attempt) throws IOException {
    Path dir = podDir(uid).resolve("containers").resolve(container);
    Files.createDirectories(dir);
    Path file = dir.resolve(attempt + "-" + Long.toHexString(System.nanoTime()));
    Files.deleteIfExists(file);
    Files.createFile(file);
    AtomicWriter.chmod(file, 0666);
    return file;
  }

  /** Removes everything the agent kept for the pod. */
  public void cleanUp(String uid) {
    try {
      AtomicWriter.deleteRecursively(podDir(uid));
    } catch (IOException e) {
      LOG.warn("Cannot remove the directory of pod {}: {}", uid, e.toString());
    }
  }

  private static int mode(Integer m) {
    return m == null ? DEFAULT_MODE : m;
  }

  private static VolumeException failed(Volume v, String message) {
    return new VolumeException(
        "MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + message);
  }
}
