package io.steelyard.vrrp.script;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ScriptTrack}s of one instance, as keepalived 2.2.7 runs its {@code vrrp_script}s:
 * each every interval from the start, the first at once; a run that is still going when the next
 * is due makes that one skip; a run over the timeout gets SIGTERM, then SIGKILL two seconds later,
 * and counts as a failure; exit status 0 is a success, anything else a failure. Each result goes
 * to the sink in the order the runs end (the instance's {@code trackResult}), which counts rise and
 * fall. Output is discarded (keepalived sends it to {@code /dev/null}); a change of exit status is
 * logged.
 *
 * <p>One daemon thread per tracker starts the scripts and hears them end, so a slow script never
 * holds up the VRRP thread. It is created by {@link #start}, so the scripts run in the network
 * namespace of the thread that calls it.
 */
public final class ScriptTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptTracker.class);
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  /** Where the results go: a track name and whether that run succeeded. */
  @FunctionalInterface
  public interface ResultSink {
    void result(String track, boolean passed);
  }

  private final String instance;
  private final ResultSink sink;
  private final ScheduledThreadPoolExecutor executor;
  private final List<Script> scripts = new ArrayList<>();
  private volatile boolean closed;

  private ScriptTracker(String instance, ResultSink sink) {
    this.instance = instance;
    this.sink = sink;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "vrrp-scripts-" + instance);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.prestartAllCoreThreads();
  }

  /**
   * Starts running {@code scripts} for the instance named {@code instance} (for the log), handing
   * each result to {@code sink} on the tracker's thread.
   */
  public static ScriptTracker start(String instance, List<ScriptTrack> scripts, ResultSink sink) {
    requireNonNull(instance, "instance");
    requireNonNull(sink, "sink");
    ScriptTracker tracker = new ScriptTracker(instance, sink);
    for (ScriptTrack track : List.copyOf(scripts)) {
      Script script = new Script(track);
      tracker.scripts.add(script);
      tracker.executor.scheduleAtFixedRate(() -> tracker.run(script), 0,
          track.interval().toMillis(), TimeUnit.MILLISECONDS);
    }
    return tracker;
  }

  /** Stops running the scripts and kills those running; no result is reported after this. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    for (Script script : scripts) {
      Process process = script.process;
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
  }

  private void run(Script script) {
    if (closed) {
      return;
    }
    String name = script.track.name();
    if (script.process != null) {
      LOG.info("({}) track script {} is still running; skipping this run", instance, name);
      return;
    }
    Process process;
    try {
      process = new ProcessBuilder(script.track.command())
          .redirectOutput(Redirect.DISCARD)
          .redirectError(Redirect.DISCARD)
          .start();
      process.getOutputStream().close();
    } catch (IOException e) {
      if (script.lastStatus == null || script.lastStatus != Script.CANNOT_RUN) {
        LOG.warn("({}) track script {} cannot run: {}", instance, name, e.getMessage());
      }
      script.lastStatus = Script.CANNOT_RUN;
      report(script, false);
      return;
    }
    script.process = process;
    script.timedOut = false;
    ScheduledFuture<?> timeout = executor.schedule(() -> timeOut(script, process),
        script.track.timeout().toMillis(), TimeUnit.MILLISECONDS);
    process.onExit().thenRunAsync(() -> {
      timeout.cancel(false);
      finished(script, process);
    }, this::executeUnlessClosed);
  }

  private void executeUnlessClosed(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed meanwhile: the result is of no use any more.
    }
  }

  private void timeOut(Script script, Process process) {
    if (!process.isAlive()) {
      return;
    }
    script.timedOut = true;
    process.destroy();
    executor.schedule(() -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void finished(Script script, Process process) {
    script.process = null;
    String name = script.track.name();
    if (script.timedOut) {
      LOG.info("({}) track script {} timed out after {} ms", instance, name,
          script.track.timeout().toMillis());
      script.lastStatus = Script.TIMED_OUT;
      report(script, false);
      return;
    }
    int status = process.exitValue();
    if (script.lastStatus == null || status != script.lastStatus) {
      LOG.info("({}) track script {} now returning {}", instance, name, status);
    }
    script.lastStatus = status;
    report(script, status == 0);
  }

  private void report(Script script, boolean passed) {
    if (closed) {
      return;
    }
    try {
      sink.result(script.track.name(), passed);
    } catch (RuntimeException e) {
      LOG.error("({}) reporting the result of track script {} failed", instance,
          script.track.name(), e);
    }
  }

  /** One script and its current run, touched only by the tracker's thread. */
  private static final class Script {
    /** {@link #lastStatus} of a script that could not be started. */
    static final int CANNOT_RUN = -1;
    /** {@link #lastStatus} of a script killed on its timeout. */
    static final int TIMED_OUT = -2;

    final ScriptTrack track;
    volatile @Nullable Process process;
    boolean timedOut;
    @Nullable Integer lastStatus;

    Script(ScriptTrack track) {
      this.track = track;
    }
  }
}
