package io.steelyard.vrrp.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: a script whose exit status the test flips, one that hangs, one that is missing. */
class ScriptTrackerTest {
  @TempDir Path dir;

  private final List<String> results = new CopyOnWriteArrayList<>();

  private void record(String track, boolean passed) {
    results.add(track + "=" + passed);
  }

  private Path script(String body) throws Exception {
    Path script = dir.resolve("check.sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    script.toFile().setExecutable(true);
    return script;
  }

  @Test
  void reportsEachRunByItsExitStatus() throws Exception {
    Path status = Files.writeString(dir.resolve("status"), "0");
    Path script = script("exit $(cat " + status + ")");
    ScriptTrack track = new ScriptTrack("chk", List.of(script.toString()), Duration.ofMillis(100),
        Duration.ofSeconds(2), -20, 1, 1);
    try (ScriptTracker tracker = ScriptTracker.start("VI_1", List.of(track), this::record)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> results.contains("chk=true"));
      Files.writeString(status, "3");
      await().atMost(Duration.ofSeconds(5)).until(() -> results.contains("chk=false"));
      Files.writeString(status, "0");
      await().atMost(Duration.ofSeconds(5))
          .until(() -> results.get(results.size() - 1).equals("chk=true"));
    }
    int count = results.size();
    Thread.sleep(400);
    assertThat(results).as("nothing is reported after close").hasSize(count);
  }

  @Test
  void aRunOverItsTimeoutIsKilledAndFails() throws Exception {
    Path pid = dir.resolve("pid");
    Path script = script("echo $$ > " + pid + "; exec sleep 30");
    ScriptTrack track = new ScriptTrack("slow", List.of(script.toString()), Duration.ofSeconds(5),
        Duration.ofMillis(300), 0, 1, 1);
    long started = System.nanoTime();
    try (ScriptTracker tracker = ScriptTracker.start("VI_1", List.of(track), this::record)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> results.contains("slow=false"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
      long sleeper = Long.parseLong(Files.readString(pid).strip());
      assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false))
          .as("the timed-out script was killed").isFalse();
    }
  }

  @Test
  void aScriptThatCannotRunFails() throws Exception {
    ScriptTrack track = new ScriptTrack("missing", List.of(dir.resolve("nope").toString()),
        Duration.ofMillis(100), Duration.ofSeconds(1), 0, 1, 1);
    try (ScriptTracker tracker = ScriptTracker.start("VI_1", List.of(track), this::record)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> results.contains("missing=false"));
    }
  }

  @Test
  void refusesBadValues() {
    assertThatThrownBy(() -> new ScriptTrack("c", List.of(), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 0, 1, 1)).hasMessage("script 'c': the command is empty");
    assertThatThrownBy(() -> new ScriptTrack("c", List.of("true"), Duration.ZERO,
        Duration.ofSeconds(1), 0, 1, 1)).hasMessageContaining("interval must be at least 1 ms");
    assertThatThrownBy(() -> new ScriptTrack("c", List.of("true"), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 254, 1, 1)).hasMessageContaining("weight must be -253 to 253");
    assertThatThrownBy(() -> new ScriptTrack("c", List.of("true"), Duration.ofSeconds(1),
        Duration.ofSeconds(1), 0, 0, 1)).hasMessageContaining("rise must be at least 1");
  }
}
