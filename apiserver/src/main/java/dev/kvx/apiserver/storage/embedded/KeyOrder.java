package dev.kvx.apiserver.storage.embedded;

import java.util.Comparator;

/**
 * Orders keys as etcd does: by their UTF-8 bytes. That is code point order, which differs from
 * {@link String#compareTo} (UTF-16 units) only when a surrogate meets a character at or above
 * U+E000; the fast path is a plain char comparison.
 */
final class KeyOrder {

  static final Comparator<String> UTF8 = KeyOrder::compare;

  private KeyOrder() {}

  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        if (xs != Character.isSurrogate(y)) {
          // A surrogate starts a supplementary code point, which sorts after every BMP char.
          return xs ? 1 : -1;
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }
}
