package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet builds it (kubelet_pods.go makeEnvironmentVariables):
 * {@code envFrom} sources in order, then {@code env} entries, later ones overriding; values may
 * refer to earlier variables with {@code $(NAME)}. A missing ConfigMap, Secret or key fails the
 * start with {@code CreateContainerConfigError} unless the reference is optional.
 */
public final class EnvResolver {
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  private final ConfigSource source;

  public EnvResolver(ConfigSource source) {
    this.source = source;
  }

  /** Name to value, in definition order. Blocking (reads ConfigMaps and Secrets). */
  public Map<String, String> resolve(Pod pod, Container c, String podIp, PodContext ctx)
      throws ContainerStartException {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> env = new LinkedHashMap<>();
    if (c.getEnvFrom() != null) {
      for (EnvFromSource from : c.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        if (from.getConfigMapRef() != null) {
          String name = from.getConfigMapRef().getName();
          ConfigMap cm = source.configMap(ns, name);
          if (cm == null) {
            if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
              continue;
            }
            throw configError("configmap \"" + name + "\" not found");
          }
          if (cm.getData() != null) {
            cm.getData().forEach((k, v) -> put(env, prefix + k, v));
          }
        } else if (from.getSecretRef() != null) {
          String name = from.getSecretRef().getName();
          Secret s = source.secret(ns, name);
          if (s == null) {
            if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
              continue;
            }
            throw configError("secret \"" + name + "\" not found");
          }
          secretData(s).forEach((k, v) -> put(env, prefix + k, v));
        }
      }
    }
    if (c.getEnv() != null) {
      for (EnvVar var : c.getEnv()) {
        String value;
        if (var.getValueFrom() == null) {
          value = Expansion.expand(var.getValue() == null ? "" : var.getValue(), env);
        } else {
          value = valueFrom(pod, c, var.getValueFrom(), podIp, ctx);
          if (value == null) {
            continue; // optional reference that is missing
          }
        }
        env.remove(var.getName());
        env.put(var.getName(), value);
      }
    }
    return env;
  }

  private String valueFrom(Pod pod, Container c, EnvVarSource from, String podIp, PodContext ctx)
      throws ContainerStartException {
    String ns = pod.getMetadata().getNamespace();
    if (from.getFieldRef() != null) {
      try {
        return FieldRefs.field(pod, from.getFieldRef().getFieldPath(), podIp, ctx);
      } catch (IllegalArgumentException e) {
        throw configError(e.getMessage());
      }
    }
    if (from.getResourceFieldRef() != null) {
      Container target = c;
      String containerName = from.getResourceFieldRef().getContainerName();
      if (containerName != null && !containerName.isEmpty()) {
        target = PodSpecs.container(pod, containerName).orElse(c);
      }
      return FieldRefs.resource(target, from.getResourceFieldRef(), ctx);
    }
    if (from.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector ref = from.getConfigMapKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      ConfigMap cm = source.configMap(ns, ref.getName());
      if (cm == null) {
        if (optional) {
          return null;
        }
        throw configError("configmap \"" + ref.getName() + "\" not found");
      }
      String v = cm.getData() == null ? null : cm.getData().get(ref.getKey());
      if (v == null) {
        if (optional) {
          return null;
        }
        throw configError(
            "couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
      }
      return v;
    }
    if (from.getSecretKeyRef() != null) {
      SecretKeySelector ref = from.getSecretKeyRef();
      boolean optional = Boolean.TRUE.equals(ref.getOptional());
      Secret s = source.secret(ns, ref.getName());
      if (s == null) {
        if (optional) {
          return null;
        }
        throw configError("secret \"" + ref.getName() + "\" not found");
      }
      String v = secretData(s).get(ref.getKey());
      if (v == null) {
        if (optional) {
          return null;
        }
        throw configError(
            "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
      }
      return v;
    }
    return "";
  }

  /** A Secret's data decoded (plus stringData, should a server keep it). */
  public static Map<String, String> secretData(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (s.getStringData() != null) {
      out.putAll(s.getStringData());
    }
    return out;
  }

  private static void put(Map<String, String> env, String name, String value) {
    if (ENV_NAME.matcher(name).matches()) {
      env.remove(name);
      env.put(name, value);
    }
  }

  private static ContainerStartException configError(String message) {
    return new ContainerStartException("CreateContainerConfigError", message);
  }
}
