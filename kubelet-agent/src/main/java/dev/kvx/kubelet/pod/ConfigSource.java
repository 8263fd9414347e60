package dev.kvx.kubelet.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Where env references and volumes read ConfigMaps and Secrets (the kubelet's "Get" change
 * detection strategy: read when a container starts or volumes refresh). Blocking.
 */
public interface ConfigSource {
  /** The ConfigMap, or null when it does not exist. */
  ConfigMap configMap(String namespace, String name);

  /** The Secret, or null when it does not exist. */
  Secret secret(String namespace, String name);

  /** Reads through the API server. */
  static ConfigSource of(KubernetesClient client) {
    return new ConfigSource() {
      @Override
      public ConfigMap configMap(String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
      }
    };
  }
}
