package dev.kvx.apiserver.selection;

import dev.kvx.apiserver.errors.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed label selector in its string form, as apimachinery's labels.Parse: {@code a=b},
 * {@code a==b}, {@code a!=b}, {@code a in (x,y)}, {@code a notin (x)}, {@code a}, {@code !a},
 * comma-separated and all required.
 */
public final class LabelSelector implements Predicate<Map<String, String>> {

  enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

  record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case NOT_EXISTS -> v == null;
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());
  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  public static LabelSelector everything() {
    return EVERYTHING;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  @Override
  public boolean test(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** Parses the selector; a malformed one is a 400 BadRequest naming it. */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> out = new ArrayList<>();
    Lexer lx = new Lexer(text);
    while (true) {
      lx.skipSpace();
      if (lx.done()) {
        break;
      }
      out.add(requirement(lx, text));
      lx.skipSpace();
      if (lx.done()) {
        break;
      }
      if (!lx.accept(",")) {
        throw bad(text, "expected ','");
      }
    }
    return new LabelSelector(List.copyOf(out));
  }

  private static Requirement requirement(Lexer lx, String text) {
    if (lx.accept("!")) {
      lx.skipSpace();
      return new Requirement(key(lx, text), Op.NOT_EXISTS, Set.of());
    }
    String key = key(lx, text);
    lx.skipSpace();
    if (lx.done() || lx.peek() == ',') {
      return new Requirement(key, Op.EXISTS, Set.of());
    }
    if (lx.accept("==") || lx.accept("=")) {
      return new Requirement(key, Op.EQUALS, Set.of(value(lx, text)));
    }
    if (lx.accept("!=")) {
      return new Requirement(key, Op.NOT_EQUALS, Set.of(value(lx, text)));
    }
    if (lx.acceptWord("notin")) {
      return new Requirement(key, Op.NOT_IN, set(lx, text));
    }
    if (lx.acceptWord("in")) {
      return new Requirement(key, Op.IN, set(lx, text));
    }
    throw bad(text, "unexpected operator after '" + key + "'");
  }

  private static Set<String> set(Lexer lx, String text) {
    lx.skipSpace();
    if (!lx.accept("(")) {
      throw bad(text, "expected '('");
    }
    List<String> values = new ArrayList<>();
    while (true) {
      lx.skipSpace();
      if (lx.accept(")")) {
        break;
      }
      String v = lx.token();
      values.add(v);
      lx.skipSpace();
      if (lx.accept(")")) {
        break;
      }
      if (!lx.accept(",")) {
        throw bad(text, "expected ',' or ')'");
      }
    }
    return Set.copyOf(values);
  }

  private static String key(Lexer lx, String text) {
    String k = lx.token();
    if (k.isEmpty()) {
      throw bad(text, "expected a label key");
    }
    if (!Names.isQualifiedName(k)) {
      throw bad(text, "invalid label key \"" + k + "\"");
    }
    return k;
  }

  private static String value(Lexer lx, String text) {
    lx.skipSpace();
    String v = lx.token();
    if (!v.isEmpty() && !Names.isLabelValue(v)) {
      throw bad(text, "invalid label value \"" + v + "\"");
    }
    return v;
  }

  private static RuntimeException bad(String text, String why) {
    return Statuses.badRequest("unable to parse requirement: " + why + " in label selector \"" + text + "\"");
  }

  /** A tiny scanner over the selector string. */
  static final class Lexer {
    private final String s;
    private int i;

    Lexer(String s) {
      this.s = s;
    }

    boolean done() {
      return i >= s.length();
    }

    char peek() {
      return s.charAt(i);
    }

    void skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    boolean accept(String lit) {
      if (s.startsWith(lit, i)) {
        i += lit.length();
        return true;
      }
      return false;
    }

    boolean acceptWord(String word) {
      int end = i + word.length();
      if (s.startsWith(word, i) && (end == s.length() || !isTokenChar(s.charAt(end)))) {
        i = end;
        return true;
      }
      return false;
    }

    String token() {
      int start = i;
      while (i < s.length() && isTokenChar(s.charAt(i))) {
        i++;
      }
      return s.substring(start, i);
    }

    private static boolean isTokenChar(char c) {
      return !Character.isWhitespace(c) && c != ',' && c != '=' && c != '!' && c != '(' && c != ')';
    }
  }
}
