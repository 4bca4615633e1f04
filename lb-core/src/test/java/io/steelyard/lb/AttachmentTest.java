package io.steelyard.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Attachments start after the balancer listens, in order, and close before it, in reverse. */
class AttachmentTest {
  private final List<String> log = new CopyOnWriteArrayList<>();

  private BalancerBuilder builder() {
    return Balancer.builder()
        .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
        .backend("bk", b -> b.server("s1", "127.0.0.1:9"));
  }

  /** Logs its start, what it saw of the balancer, and its close. */
  private Attachment recording(String name) {
    return new Attachment() {
      @Override
      public AutoCloseable attach(Balancer balancer) {
        log.add(name + " attached, listening on " + balancer.boundAddresses("ft").size()
            + ", healthy " + balancer.healthy());
        return () -> log.add(name + " closed, listening on " + balancer.boundAddresses("ft").size());
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  @Test
  void attachmentsStartInOrderAfterListeningAndCloseInReverseBeforeIt() {
    Balancer balancer = builder().attach(recording("a")).attach(recording("b")).start();
    assertThat(log).containsExactly(
        "a attached, listening on 1, healthy true", "b attached, listening on 1, healthy true");

    balancer.close();
    balancer.close();
    assertThat(log).containsExactly(
        "a attached, listening on 1, healthy true",
        "b attached, listening on 1, healthy true",
        "b closed, listening on 1",
        "a closed, listening on 1");
  }

  @Test
  void aFailingAttachmentFailsTheStartAndClosesWhatStarted() {
    Attachment failing = new Attachment() {
      @Override
      public AutoCloseable attach(Balancer balancer) throws IOException {
        throw new IOException("no such interface");
      }

      @Override
      public String toString() {
        return "broken";
      }
    };
    BalancerBuilder builder = builder().attach(recording("a")).attach(failing).attach(recording("c"));

    assertThatThrownBy(builder::start)
        .isInstanceOf(StartException.class)
        .hasMessageContaining("attachment broken failed to start")
        .hasMessageContaining("no such interface")
        .hasCauseInstanceOf(IOException.class);
    assertThat(log).containsExactly(
        "a attached, listening on 1, healthy true", "a closed, listening on 1");
  }

  @Test
  void aFailingCloseIsLoggedAndTheOthersStillClose() {
    Balancer balancer = builder()
        .attach(recording("a"))
        .attach(b -> () -> {
          throw new IOException("stuck");
        })
        .start();

    balancer.close();
    assertThat(log).containsExactly(
        "a attached, listening on 1, healthy true", "a closed, listening on 1");
  }
}
