package dev.kvx.apiserver.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Static bearer tokens in kube-apiserver's {@code --token-auth-file} format, one per line: {@code
 * token,user,uid,"group1,group2"} (the groups column is optional). Read once at start, as upstream
 * does.
 */
public final class TokenFile {

  private final Map<String, UserInfo> users;

  TokenFile(Map<String, UserInfo> users) {
    this.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
  }

  /** Reads {@code file}; blocking. Throws on a malformed line, naming it. */
  public static TokenFile read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static TokenFile parse(String content, String source) throws IOException {
    Map<String, UserInfo> users = new LinkedHashMap<>();
    String[] lines = content.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = csvFields(line);
      if (fields.size() < 3 || fields.get(0).isBlank() || fields.get(1).isBlank()) {
        throw new IOException(
            source + ":" + (i + 1) + ": want token,user,uid[,\"group1,group2\"]");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3) {
        Arrays.stream(fields.get(3).split(","))
            .map(String::strip)
            .filter(g -> !g.isEmpty())
            .forEach(groups::add);
      }
      users.put(fields.get(0).strip(),
          new UserInfo(fields.get(1).strip(), fields.get(2).strip(), groups));
    }
    return new TokenFile(users);
  }

  /** The user a bearer token belongs to (without {@code system:authenticated}). */
  public Optional<UserInfo> user(String token) {
    return Optional.ofNullable(users.get(token));
  }

  /** The first token of {@code userName}, e.g. the admin token a kubeconfig embeds. */
  public Optional<String> tokenOf(String userName) {
    return users.entrySet().stream()
        .filter(e -> e.getValue().name().equals(userName))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** One line of the file for {@code token}. */
  static String line(String token, UserInfo user) {
    return token + "," + user.name() + "," + user.uid() + ",\"" + String.join(",", user.groups())
        + "\"\n";
  }

  // RFC 4180 fields: a field in double quotes may hold commas, and "" stands for one quote.
  private static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
