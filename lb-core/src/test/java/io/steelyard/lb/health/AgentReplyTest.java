package io.steelyard.lb.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An agent's line read and worded as HAProxy 2.6.12 reads and words it; the expected texts are
 * its {@code last_agt} for the same answers.
 */
class AgentReplyTest {

  private static CheckOutcome outcome(String line) {
    return AgentReply.parse(line).outcome();
  }

  @Test
  void healthWordsSayUpOrDownWithTheMessageAfterTheSharp() {
    assertThat(outcome("up")).isEqualTo(CheckOutcome.of(CheckStatus.L7OK, "via agent : up"));
    assertThat(outcome("down # maintenance window"))
        .isEqualTo(CheckOutcome.of(CheckStatus.L7STS, "via agent : down (maintenance window)"));
    assertThat(outcome("STOPPED")).isEqualTo(CheckOutcome.of(CheckStatus.L7STS, "via agent : STOPPED"));
    assertThat(outcome("up #   hello  there "))
        .isEqualTo(CheckOutcome.of(CheckStatus.L7OK, "via agent : up (hello  there )"));
    assertThat(outcome("down,up")).isEqualTo(CheckOutcome.of(CheckStatus.L7OK, "via agent : up"));
  }

  @Test
  void anUpGivesWayToTheFirstUnknownWordOrAWarning() {
    assertThat(outcome("up maxconn:x bar"))
        .isEqualTo(CheckOutcome.of(CheckStatus.L7OK, "via agent : up (bar)"));
    assertThat(outcome("up 5x%"))
        .isEqualTo(CheckOutcome.of(CheckStatus.L7OK,
            "via agent : up (Empty weight string empty or preceded by garbage)"));
    assertThat(outcome("foo bar"))
        .isEqualTo(CheckOutcome.of(CheckStatus.CHECKED, "agent reports an error : foo"));
    assertThat(outcome("50%x"))
        .isEqualTo(CheckOutcome.of(CheckStatus.CHECKED, "agent warns : Trailing garbage in weight string"));
    assertThat(outcome("drain")).isEqualTo(CheckOutcome.of(CheckStatus.CHECKED, ""));
  }

  @Test
  void adminWordsAndWeightsAreReadTheLastOneWinning() {
    AgentReply reply = AgentReply.parse("ready\tdrain, 75% 30%");
    assertThat(reply.admin()).isEqualTo(AdminState.DRAIN);
    assertThat(reply.weight(10)).isEqualTo(3);
    assertThat(AgentReply.parse("maint").admin()).isEqualTo(AdminState.MAINT);
    assertThat(AgentReply.parse("300%").weight(100)).isEqualTo(256);
    assertThat(AgentReply.parse("up").weight(10)).isNull();
  }

  @Test
  void maxconnIsReadAsHaproxyReadsIt() {
    assertThat(AgentReply.parse("maxconn:10").maxConn()).isEqualTo(10);
    assertThat(AgentReply.parse("maxconn:0").maxConn()).isZero();
    assertThat(outcome("maxconn:10")).isEqualTo(CheckOutcome.of(CheckStatus.CHECKED, ""));
    assertThat(AgentReply.parse("maxconn:1x").maxConn()).isNull();
    assertThat(outcome("maxconn:1x"))
        .isEqualTo(CheckOutcome.of(CheckStatus.CHECKED, "agent warns : Trailing garbage in maxconn string"));
    assertThat(outcome("maxconn:"))
        .isEqualTo(CheckOutcome.of(CheckStatus.CHECKED,
            "agent warns : maxconn string empty or preceded by garbage"));
  }
}
