package dev.kvx.apiserver.strategy;

import tools.jackson.databind.node.ObjectNode;

/**
 * Read access to PriorityClasses for the Priority admission step. Called on an event loop while a
 * pod is created: implementations answer from memory (e.g. a watch-cache snapshot), never block.
 */
public interface PriorityClassLookup {

  /** The PriorityClass of that name, or null when this lookup does not know it. */
  ObjectNode get(String name);

  /** The PriorityClass marked {@code globalDefault: true}, or null. */
  ObjectNode globalDefault();

  /**
   * Whether a name this lookup does not know really does not exist (the pod is refused, as
   * upstream) rather than being out of its sight (the pod's priority is then left unresolved).
   */
  boolean complete();

  /** Knows no PriorityClass: only the built-in system classes resolve, other names stay unresolved. */
  PriorityClassLookup NONE = new PriorityClassLookup() {
    @Override
    public ObjectNode get(String name) {
      return null;
    }

    @Override
    public ObjectNode globalDefault() {
      return null;
    }

    @Override
    public boolean complete() {
      return false;
    }
  };
}
