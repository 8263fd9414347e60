package dev.kvx.apiserver.strategy;

/**
 * A field path as upstream's {@code field.Path} prints it: {@code spec.containers[0].name},
 * {@code metadata.labels[app]}. Immutable.
 */
public final class FieldPath {

  private final String text;

  private FieldPath(String text) {
    this.text = text;
  }

  public static FieldPath root(String... names) {
    return new FieldPath(String.join(".", names));
  }

  public FieldPath child(String... names) {
    StringBuilder sb = new StringBuilder(text);
    for (String n : names) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(n);
    }
    return new FieldPath(sb.toString());
  }

  public FieldPath index(int i) {
    return new FieldPath(text + "[" + i + "]");
  }

  public FieldPath key(String k) {
    return new FieldPath(text + "[" + k + "]");
  }

  @Override
  public String toString() {
    return text;
  }
}
