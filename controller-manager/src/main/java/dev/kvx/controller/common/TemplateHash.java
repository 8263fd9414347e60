package dev.kvx.controller.common;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;

/**
 * The hash of a pod template that names ReplicaSets ({@code pod-template-hash}) and labels daemon
 * pods ({@code controller-revision-hash}), as upstream's {@code controller.ComputeHash}: FNV-1a 32
 * over the template, then the collision count, written with {@code rand.SafeEncodeString}.
 * Upstream hashes Go's printed form of the struct; kvx hashes the template's JSON, so the values
 * differ from upstream's but are just as stable. Pure.
 */
public final class TemplateHash {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private TemplateHash() {}

  public static String compute(Object template, Integer collisionCount) {
    int hash = 0x811c9dc5;
    for (byte b : JSON.asJson(template).getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    if (collisionCount != null) {
      int c = collisionCount;
      for (int i = 0; i < 4; i++) {
        hash ^= (c >>> (8 * i)) & 0xff;
        hash *= 0x01000193;
      }
    }
    return safeEncode(Long.toString(Integer.toUnsignedLong(hash)));
  }

  /** apimachinery's {@code rand.SafeEncodeString}: no vowels, no look-alike characters. */
  public static String safeEncode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      out.append(SAFE_ALPHANUMS.charAt((b & 0xff) % SAFE_ALPHANUMS.length()));
    }
    return out.toString();
  }
}
