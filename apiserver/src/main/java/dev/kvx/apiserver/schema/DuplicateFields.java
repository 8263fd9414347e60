package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.json.Json;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Finds fields given twice in one object of a request body. A parsed tree keeps only the last
 * value, so this reads the raw bytes with a streaming parser; paths are named as upstream's strict
 * decoder names them ({@code spec.template.spec.containers[0].imagePullPolicy}).
 */
public final class DuplicateFields {

  private DuplicateFields() {}

  /** One open container: the path that leads to it, and its seen names or next index. */
  private static final class Frame {
    final String path;
    final Set<String> names; // null for arrays
    int index;
    String current; // the property being read, for objects

    Frame(String path, boolean object) {
      this.path = path;
      this.names = object ? new HashSet<>() : null;
    }

    String childPath() {
      if (names == null) {
        return path + "[" + index + "]";
      }
      return path.isEmpty() ? current : path + "." + current;
    }
  }

  /**
   * The duplicated field paths of a JSON body (or YAML when {@code yaml}), in document order; empty
   * when the body cannot be parsed (the decoder reports that itself).
   */
  public static List<String> of(byte[] body, boolean yaml) {
    List<String> out = new ArrayList<>();
    Deque<Frame> stack = new ArrayDeque<>();
    try (JsonParser p = yaml ? Json.YAML.createParser(body) : Json.MAPPER.createParser(body)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        Frame top = stack.peek();
        switch (t) {
          case PROPERTY_NAME -> {
            top.current = p.currentName();
            if (!top.names.add(top.current)) {
              out.add(top.childPath());
            }
          }
          case START_OBJECT, START_ARRAY -> {
            String path = top == null ? "" : top.childPath();
            stack.push(new Frame(path, t == JsonToken.START_OBJECT));
          }
          case END_OBJECT, END_ARRAY -> {
            stack.pop();
            advance(stack.peek());
          }
          default -> advance(top);
        }
      }
    } catch (JacksonException e) {
      return out;
    }
    return out;
  }

  /** A value ended: an array moves to its next index. */
  private static void advance(Frame f) {
    if (f != null && f.names == null) {
      f.index++;
    }
  }
}
