package io.steelyard.lb.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BalanceTest {

  @Test
  void namesTheAlgorithmsAsHaproxyDoes() {
    assertThat(Balance.leastConn().name()).isEqualTo("leastconn");
    assertThat(Balance.roundRobin().name()).isEqualTo("roundrobin");
    assertThat(Balance.source().name()).isEqualTo("source");
    assertThat(Balance.first().name()).isEqualTo("first");
    assertThat(Balance.leastConn()).hasToString("leastconn");
  }

  @ParameterizedTest
  @ValueSource(strings = {"leastconn", "roundrobin", "source", "first"})
  void findsEachAlgorithmByName(String name) {
    Balance balance = Balance.named(name);

    assertThat(balance.name()).isEqualTo(name);
    assertThat(Balance.named(name)).isSameAs(balance);
  }

  @Test
  void makesTheSchedulerOfItsAlgorithm() {
    assertThat(new TestPool().scheduler(Balance.leastConn())).isInstanceOf(LeastConn.class);
    assertThat(new TestPool().scheduler(Balance.roundRobin())).isInstanceOf(RoundRobin.class);
    assertThat(new TestPool().scheduler(Balance.source())).isInstanceOf(SourceHash.class);
    assertThat(new TestPool().scheduler(Balance.first())).isInstanceOf(First.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"uri", "LeastConn", "static-rr", "", " leastconn"})
  void rejectsOtherNamesNamingTheValue(String name) {
    assertThatThrownBy(() -> Balance.named(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("leastconn, roundrobin, source or first");
  }

  @Test
  void rejectsNullMembers() {
    assertThatThrownBy(() -> Balance.roundRobin().newScheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("members");
  }
}
