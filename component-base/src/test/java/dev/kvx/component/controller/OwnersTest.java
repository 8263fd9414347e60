package dev.kvx.component.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnersTest {

  @Test
  void controllerOfPicksTheReferenceMarkedController() {
    Pod pod =
        pod(
            "web-1",
            ownerRef("Deployment", "web", "u0", false),
            ownerRef("ReplicaSet", "web-abc", "u1", true));

    assertThat(Owners.controllerOf(pod)).map(OwnerReference::getName).hasValue("web-abc");
    assertThat(Owners.controllerOf(pod("orphan"))).isEmpty();
  }

  @Test
  void controllerKeyMatchesKindInTheObjectsNamespace() {
    Pod pod = pod("web-1", ownerRef("ReplicaSet", "web-abc", "u1", true));

    assertThat(Owners.controllerKey(pod, "ReplicaSet")).hasValue("ns/web-abc");
    assertThat(Owners.controllerKey(pod, "StatefulSet")).isEmpty();
  }

  @Test
  void controllerRefPointsAtTheOwnerAndBlocksItsDeletion() {
    ReplicaSet rs = replicaSet("web-abc", "u1");
    OwnerReference ref = Owners.controllerRef(rs);

    assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
    assertThat(ref.getKind()).isEqualTo("ReplicaSet");
    assertThat(ref.getUid()).isEqualTo("u1");
    assertThat(ref.getController()).isTrue();
    assertThat(ref.getBlockOwnerDeletion()).isTrue();
    assertThat(Owners.isControlledBy(pod("p", ref), rs)).isTrue();
    assertThat(Owners.isControlledBy(pod("p", ref), replicaSet("web-abc", "other-uid"))).isFalse();
  }

  @Test
  void resolveControllerRefRequiresTheSameUid() {
    Pod pod = pod("web-1", ownerRef("ReplicaSet", "web-abc", "u1", true));
    Store<ReplicaSet> sameUid = storeOf(replicaSet("web-abc", "u1"));
    Store<ReplicaSet> recreated = storeOf(replicaSet("web-abc", "u2"));

    assertThat(Owners.resolveControllerRef(pod, "ReplicaSet", sameUid)).isPresent();
    assertThat(Owners.resolveControllerRef(pod, "ReplicaSet", recreated)).isEmpty();
    assertThat(Owners.resolveControllerRef(pod, "Job", sameUid)).isEmpty();
  }

  @Test
  void keysSplitLikeClientGo() {
    assertThat(Keys.of(pod("a"))).isEqualTo("ns/a");
    assertThat(Keys.of(null, "node-1")).isEqualTo("node-1");
    assertThat(Keys.split("ns/a")).isEqualTo(new Keys.NamespacedName("ns", "a"));
    assertThat(Keys.split("node-1").clusterScoped()).isTrue();
    assertThatThrownBy(() -> Keys.split("a/b/c")).isInstanceOf(IllegalArgumentException.class);
  }

  private static Pod pod(String name, OwnerReference... refs) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .withOwnerReferences(refs)
        .endMetadata()
        .build();
  }

  private static ReplicaSet replicaSet(String name, String uid) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .build();
  }

  private static OwnerReference ownerRef(String kind, String name, String uid, boolean controller) {
    return new OwnerReferenceBuilder()
        .withApiVersion("apps/v1")
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .withController(controller)
        .build();
  }

  // A minimal Store over fixed objects, keyed like the informer cache.
  private static Store<ReplicaSet> storeOf(ReplicaSet... items) {
    Map<String, ReplicaSet> byKey =
        java.util.Arrays.stream(items)
            .collect(java.util.stream.Collectors.toMap(Cache::metaNamespaceKeyFunc, r -> r));
    return new Store<>() {
      @Override
      public List<ReplicaSet> list() {
        return List.copyOf(byKey.values());
      }

      @Override
      public List<String> listKeys() {
        return List.copyOf(byKey.keySet());
      }

      @Override
      public ReplicaSet get(ReplicaSet obj) {
        return byKey.get(Cache.metaNamespaceKeyFunc(obj));
      }

      @Override
      public ReplicaSet getByKey(String key) {
        return byKey.get(key);
      }

      @Override
      public String getKey(ReplicaSet obj) {
        return Cache.metaNamespaceKeyFunc(obj);
      }
    };
  }
}
