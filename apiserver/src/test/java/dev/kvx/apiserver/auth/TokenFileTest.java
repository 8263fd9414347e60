package dev.kvx.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenFileTest {

  @Test
  void readsUsersUidsAndQuotedGroups() throws IOException {
    TokenFile tokens =
        TokenFile.parse(
            """
            # comment
            t1,alice,u-1,"dev,ops"

            t2, bob ,u-2
            t3,carol,u-3,single
            """,
            "tokens.csv");

    assertThat(tokens.user("t1")).contains(new UserInfo("alice", "u-1", List.of("dev", "ops")));
    assertThat(tokens.user("t2")).contains(new UserInfo("bob", "u-2", List.of()));
    assertThat(tokens.user("t3")).contains(new UserInfo("carol", "u-3", List.of("single")));
    assertThat(tokens.user("t4")).isEmpty();
    assertThat(tokens.tokenOf("bob")).contains("t2");
  }

  @Test
  void aLineItWritesReadsBack() throws IOException {
    UserInfo user = new UserInfo("admin", "42", List.of("system:masters", "b"));

    assertThat(TokenFile.parse(TokenFile.line("tok", user), "x").user("tok")).contains(user);
  }

  @Test
  void rejectsALineWithoutUserAndUid() {
    assertThatThrownBy(() -> TokenFile.parse("ok,u,1\nbroken,only\n", "tokens.csv"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tokens.csv:2");
  }
}
