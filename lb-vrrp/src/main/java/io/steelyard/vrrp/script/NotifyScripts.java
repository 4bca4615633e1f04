package io.steelyard.vrrp.script;

import static java.util.Objects.requireNonNull;

import io.steelyard.vrrp.state.State;
import io.steelyard.vrrp.state.StateListener;
import io.steelyard.vrrp.state.Transition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived's notify scripts, as a {@link StateListener}: on entering a state, the script given
 * for it ({@code notify_master}, {@code notify_backup}, {@code notify_fault}, {@code notify_stop})
 * runs with its own arguments only, then the generic one ({@code notify}) with four more: {@code
 * INSTANCE}, the instance's name, the state entered ({@code MASTER}, {@code BACKUP}, {@code FAULT}
 * or {@code STOP}) and the effective priority at the time of the change.
 *
 * <p>The scripts run one after the other in the order of the changes, on a daemon thread of their
 * own, so the VRRP thread never waits for them; what they print goes to the log, a non-zero status
 * is a warning. After Stop, the queued scripts still run and the thread ends.
 */
public final class NotifyScripts implements StateListener {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyScripts.class);

  private final String instance;
  private final Map<State, List<String>> byState;
  private final List<String> generic;
  private final IntSupplier priority;
  private final ExecutorService executor;

  /**
   * Scripts for the instance named {@code instance}, started on a thread created now, in the
   * caller's network namespace.
   *
   * @param byState the command for each state that has one: MASTER, BACKUP, FAULT or STOP
   * @param generic the {@code notify} command, or an empty list for none
   * @param priority the instance's effective priority, read when a change is heard
   */
  public NotifyScripts(String instance, Map<State, List<String>> byState, List<String> generic,
      IntSupplier priority) {
    this.instance = requireNonNull(instance, "instance");
    this.byState = new EnumMap<>(State.class);
    byState.forEach((state, command) -> {
      if (state == State.INITIALIZE) {
        throw new IllegalArgumentException("(" + instance + ") no notify script for " + state);
      }
      if (command.isEmpty()) {
        throw new IllegalArgumentException(
            "(" + instance + ") the notify script for " + state + " is empty");
      }
      this.byState.put(state, List.copyOf(command));
    });
    this.generic = List.copyOf(generic);
    this.priority = requireNonNull(priority, "priority");
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread thread = new Thread(r, "vrrp-notify-" + instance);
          thread.setDaemon(true);
          return thread;
        });
    pool.prestartAllCoreThreads();
    this.executor = pool;
  }

  @Override
  public void stateChanged(Transition transition) {
    List<List<String>> commands = new ArrayList<>(2);
    List<String> specific = byState.get(transition.to());
    if (specific != null) {
      commands.add(specific);
    }
    if (!generic.isEmpty()) {
      List<String> command = new ArrayList<>(generic);
      command.addAll(List.of("INSTANCE", instance, transition.to().name(),
          Integer.toString(priority.getAsInt())));
      commands.add(command);
    }
    if (!commands.isEmpty() && !executor.isShutdown()) {
      executor.execute(() -> commands.forEach(this::run));
    }
    if (transition.to() == State.STOP) {
      executor.shutdown();
    }
  }

  private void run(List<String> command) {
    String line = String.join(" ", command);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      try (BufferedReader output = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String out = output.readLine(); out != null; out = output.readLine()) {
          LOG.info("({}) notify {}: {}", instance, command.get(0), out);
        }
      }
      int status = process.waitFor();
      if (status != 0) {
        LOG.warn("({}) notify script '{}' exited with status {}", instance, line, status);
      }
    } catch (IOException e) {
      LOG.warn("({}) notify script '{}' cannot run: {}", instance, line, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
