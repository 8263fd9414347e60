package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** core/v1 ConfigMap: no defaults; valid, unique keys across data and binaryData; immutability. */
final class ConfigMapStrategy implements ResourceStrategy {

  private static final List<String> DATA = List.of("data", "binaryData");

  @Override
  public List<Cause> validate(ObjectNode cm) {
    return DataKeys.keys(cm, DATA);
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode cm, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(cm));
    out.addAll(DataKeys.immutable(cm, old, DATA));
    return out;
  }
}
