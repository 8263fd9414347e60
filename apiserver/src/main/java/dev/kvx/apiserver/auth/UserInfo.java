package dev.kvx.apiserver.auth;

import java.util.List;

/**
 * An authenticated user, as k8s.io/apiserver's {@code user.Info}: the name authorization checks,
 * an optional uid, and the groups (always including {@code system:authenticated}).
 */
public record UserInfo(String name, String uid, List<String> groups) {

  public static final String AUTHENTICATED_GROUP = "system:authenticated";
  public static final String MASTERS_GROUP = "system:masters";
  public static final String NODES_GROUP = "system:nodes";

  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
  }

  /** The same user with {@code system:authenticated} added, as upstream's authenticator group adder does. */
  UserInfo withAuthenticatedGroup() {
    if (groups.contains(AUTHENTICATED_GROUP)) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(groups);
    all.add(AUTHENTICATED_GROUP);
    return new UserInfo(name, uid, all);
  }
}
