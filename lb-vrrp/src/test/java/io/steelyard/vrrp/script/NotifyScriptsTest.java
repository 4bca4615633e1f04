package io.steelyard.vrrp.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.steelyard.vrrp.state.Reason;
import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.Transition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notify scripts run with keepalived's arguments, in order, without holding up the caller. */
class NotifyScriptsTest {
  @TempDir Path dir;

  @Test
  void runsTheStateScriptThenTheGenericOneWithKeepalivedsArguments() throws Exception {
    Path log = dir.resolve("log");
    Path script = dir.resolve("notify.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + log + "\n");
    script.toFile().setExecutable(true);
    AtomicInteger priority = new AtomicInteger(100);
    NotifyScripts notify = new NotifyScripts("VI_1",
        Map.of(State.MASTER, List.of(script.toString(), "master", "x y"),
            State.FAULT, List.of(script.toString(), "fault")),
        List.of(script.toString(), "any"), priority::get);

    long before = System.nanoTime();
    notify.stateChanged(new Transition(State.INITIALIZE, State.BACKUP, Reason.STARTED, ""));
    priority.set(120);
    notify.stateChanged(new Transition(State.BACKUP, State.MASTER, Reason.PREEMPTED, ""));
    notify.stateChanged(new Transition(State.MASTER, State.FAULT, Reason.TRACK_DOWN, "chk"));
    notify.stateChanged(new Transition(State.FAULT, State.STOP, Reason.STOPPED, ""));
    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("the caller does not wait for the scripts").isLessThan(Duration.ofMillis(500));

    List<String> expected = List.of(
        "any INSTANCE VI_1 BACKUP 100",
        "master x y",
        "any INSTANCE VI_1 MASTER 120",
        "fault",
        "any INSTANCE VI_1 FAULT 120",
        "any INSTANCE VI_1 STOP 120");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(log) && Files.readAllLines(log).size() == expected.size());
    assertThat(Files.readAllLines(log)).isEqualTo(expected);
  }
}
