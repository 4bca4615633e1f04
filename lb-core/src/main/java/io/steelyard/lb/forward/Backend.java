package io.steelyard.lb.forward;

import static java.util.Objects.requireNonNull;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.health.AdminState;
import io.steelyard.lb.health.AgentReply;
import io.steelyard.lb.health.CheckOutcome;
import io.steelyard.lb.health.HealthChecker;
import io.steelyard.lb.health.HealthChecks;
import io.steelyard.lb.health.ServerEvent;
import io.steelyard.lb.health.ServerStatus;
import io.steelyard.lb.schedule.Member;
import io.steelyard.lb.schedule.Scheduler;
import io.steelyard.lb.stats.BackendStats;
import io.steelyard.lb.stats.BackendStatus;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running backend: the scheduler over its servers, their queues, and every change of their
 * state.
 *
 * <p>Queues, as in HAProxy: a client stuck to a server at its maxconn waits in that server's queue
 * (up to its maxqueue, else it is balanced like a new client); a client for whom every usable
 * server is full waits in the backend's queue. When a connection ends, its slot goes straight to
 * the oldest waiter of that server's queue or the backend's, whichever waited longer; a waiter
 * whose queue timeout runs out is dropped. A backend with no usable server at all refuses new
 * clients at once.
 */
final class Backend {
  private static final Logger log = LoggerFactory.getLogger(Backend.class);

  private final BackendConfig config;
  private final Scheduler scheduler;
  private final Stickiness stickiness;
  private final Notifier notifier;
  private final HealthChecks checks;
  private final Consumer<Server> shutdownSessions;
  private final Counters counters = new Counters();
  private final StateClock clock;
  private final Object lock = new Object();
  /** Sessions waiting for any server; guarded by {@link #lock}. */
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  /** Servers by member id; a removed server leaves a null. Replaced whole on change. */
  private volatile Server[] servers;
  /** Whether any server has a maxconn, so that connections may have to wait. */
  private volatile boolean queueing;

  /**
   * The backend {@code config} describes, its servers in rotation; their checks start with {@link
   * #startChecks()}.
   *
   * @param notifier hears of its servers' changes
   * @param checks where its servers' health checks run
   * @param shutdownSessions closes a server's connections, for {@code on-marked-down
   *     shutdown-sessions}
   */
  Backend(
      BackendConfig config,
      Notifier notifier,
      HealthChecks checks,
      Consumer<Server> shutdownSessions) {
    this.config = requireNonNull(config, "config");
    this.notifier = requireNonNull(notifier, "notifier");
    this.checks = requireNonNull(checks, "checks");
    this.shutdownSessions = requireNonNull(shutdownSessions, "shutdownSessions");
    List<Server> list = new ArrayList<>();
    Set<Integer> sids = new HashSet<>();
    config.servers().forEach(server -> sids.add(server.id()));
    for (ServerConfig server : config.servers()) {
      list.add(new Server(list.size(), sid(server, sids), server, true));
    }
    this.scheduler = config.balance().newScheduler(list.stream().map(Server::member).toList());
    this.clock = new StateClock(!scheduler.hasUsableServer());
    this.stickiness = Stickiness.of(config.stick());
    this.servers = list.toArray(new Server[0]);
    this.queueing = list.stream().anyMatch(s -> s.member().maxConn() > 0);
  }

  String name() {
    return config.name();
  }

  /** {@code server}'s configured id, else the smallest not in {@code used}; added to it. */
  private static int sid(ServerConfig server, Set<Integer> used) {
    int sid = server.id();
    if (sid == 0) {
      sid = 1;
      while (used.contains(sid)) {
        sid++;
      }
    }
    used.add(sid);
    return sid;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  BackendConfig config() {
    return config;
  }

  /** The stick table and rules, or {@code null}. */
  Stickiness stickiness() {
    return stickiness;
  }

  Counters counters() {
    return counters;
  }

  /** The servers in declaration order, without removed ones. */
  List<Server> servers() {
    List<Server> list = new ArrayList<>();
    for (Server server : servers) {
      if (server != null) {
        list.add(server);
      }
    }
    return list;
  }

  /** The server called {@code name}, or an exception naming it. */
  Server server(String name) {
    for (Server server : servers) {
      if (server != null && server.name().equals(name)) {
        return server;
      }
    }
    throw new IllegalArgumentException(
        "backend '" + name() + "' has no server '" + name + "'");
  }

  Server server(Member member) {
    return servers[member.id()];
  }

  /** The server stored under {@code id} in a stick table, or {@code null} if it is gone. */
  Server serverById(int id) {
    Server[] current = servers;
    return id >= 0 && id < current.length ? current[id] : null;
  }

  /** A snapshot of its counters and status, and its servers'. */
  BackendStats stats() {
    return new BackendStats(
        name(),
        scheduler.hasUsableServer() ? BackendStatus.UP : BackendStatus.DOWN,
        counters.traffic(),
        servers().stream().map(Server::stats).toList(),
        clock.lastChange(),
        clock.downtime());
  }

  /** Stops the checks of its servers, for good: the backend was removed. */
  void stopChecks() {
    servers().forEach(this::stopChecking);
  }

  private void stopChecking(Server server) {
    if (server.checker() != null) {
      checks.stop(server.checker());
      server.checker(null);
    }
    if (server.agent() != null) {
      checks.stop(server.agent());
      server.agent(null);
    }
  }

  /**
   * Gives {@code server} {@code config}'s address (for new connections: open ones stay where they
   * are), queue limit and checks. Its checks start again under the new settings, the server taken
   * as up until they say otherwise, as HAProxy takes its servers after a reload.
   */
  void resettle(Server server, ServerConfig config) {
    boolean wasUp = server.takesNewClients();
    stopChecking(server);
    server.settle(config);
    startChecking(server, 0, 1);
    boolean up = server.takesNewClients();
    if (up != wasUp) {
      stateChanged(server, new StringBuilder("Server ").append(name()).append('/')
          .append(server.name()).append(" is ").append(up ? "UP" : "DOWN")
          .append(", reason: Configuration reloaded."), !up);
    }
  }

  /** Starts the checks of its servers, their first checks spread over one interval. */
  void startChecks() {
    List<Server> list = servers();
    for (int i = 0; i < list.size(); i++) {
      startChecking(list.get(i), i, list.size());
    }
  }

  private void startChecking(Server server, int position, int count) {
    if (server.agentCheck() != null) {
      server.agent(
          checks.startAgent(
              server.check() == null ? server.address() : server.check().target(server.address()),
              server.agentCheck(),
              config.connectTimeout(),
              config.checkTimeout(),
              (reply, outcome, wasDown, millis) -> agentReplied(server, reply, outcome, wasDown, millis),
              position,
              count));
    }
    if (server.check() == null) {
      return;
    }
    server.checker(
        checks.start(
            server.check().target(server.address()),
            server.check(),
            config.connectTimeout(),
            new HealthChecker.Listener() {
              @Override
              public void up(CheckOutcome outcome, long checkMillis) {
                checkedUp(server, outcome, checkMillis);
              }

              @Override
              public void down(CheckOutcome outcome, long checkMillis) {
                checkedDown(server, outcome, checkMillis);
              }
            },
            position,
            count));
  }

  // --- assigning servers, queueing ---

  /**
   * A server for {@code session}: its stuck server if given and free, else the scheduler's pick.
   * Returns {@code null} when the session was queued (its {@link Waiter#waitIn}) or when no server
   * can take it at all.
   */
  Member assign(Waiter session, InetAddress client, Server stuck) {
    if (!queueing) {
      if (stuck != null && scheduler.acquireDirect(stuck.member())) {
        return stuck.member();
      }
      return scheduler.acquire(client, null);
    }
    synchronized (lock) {
      if (stuck != null) {
        if (scheduler.acquireDirect(stuck.member())) {
          return stuck.member();
        }
        if (stuck.maxQueue() == 0 || stuck.queue.size() < stuck.maxQueue()) {
          enqueue(stuck.queue, session, stuck);
          return null;
        }
      }
      Member member = scheduler.acquire(client, null);
      if (member == null && scheduler.hasUsableServer()) {
        enqueue(queue, session, null);
      }
      return member;
    }
  }

  private void enqueue(ArrayDeque<Waiter> into, Waiter session, Server server) {
    into.addLast(session);
    session.waitIn(server);
    counters.enqueue();
    if (server != null) {
      server.counters().enqueue();
    }
  }

  /**
   * Takes {@code session} out of its queue (its queue time ran out, or its client left); returns
   * false when it was no longer queued because a server had just been handed to it.
   */
  boolean leaveQueue(Waiter session, Server server) {
    synchronized (lock) {
      boolean removed = (server == null ? queue : server.queue).remove(session);
      if (removed) {
        dequeued(server);
      }
      return removed;
    }
  }

  private void dequeued(Server server) {
    counters.dequeue();
    if (server != null) {
      server.counters().dequeue();
    }
  }

  /** A connection on {@code server} ended: its slot goes to the next waiter, or back. */
  void release(Server server) {
    if (!queueing) {
      scheduler.release(server.member());
      return;
    }
    Waiter next;
    synchronized (lock) {
      next = nextWaiter(server);
      if (next == null) {
        scheduler.release(server.member());
        return;
      }
    }
    next.handOver(server.member());
  }

  /** The waiter that gets {@code server}'s freed slot, taken out of its queue; under the lock. */
  private Waiter nextWaiter(Server server) {
    Waiter stuck = server.takesStuckClients() ? server.queue.peekFirst() : null;
    Waiter any = server.takesNewClients() ? queue.peekFirst() : null;
    if (stuck == null && any == null) {
      return null;
    }
    if (any == null || (stuck != null && stuck.waitingSince() <= any.waitingSince())) {
      server.queue.pollFirst();
      dequeued(server);
      return stuck;
    }
    queue.pollFirst();
    dequeued(null);
    return any;
  }

  /** Hands free slots to waiters after servers became usable or got room. */
  private void serveQueues() {
    if (!queueing) {
      return;
    }
    List<Runnable> handOvers = new ArrayList<>();
    synchronized (lock) {
      for (Server server : servers) {
        if (server == null) {
          continue;
        }
        if (!server.takesStuckClients()) {
          // Its stuck waiters lose their server: they wait for any server instead (requeued).
          while (!server.queue.isEmpty()) {
            Waiter waiter = server.queue.pollFirst();
            dequeued(server);
            enqueue(queue, waiter, null);
          }
        }
        while (!server.queue.isEmpty() && scheduler.acquireDirect(server.member())) {
          Waiter waiter = server.queue.pollFirst();
          dequeued(server);
          handOvers.add(() -> waiter.handOver(server.member()));
        }
      }
      while (!queue.isEmpty()) {
        Member member = scheduler.acquire(queue.peekFirst().clientAddress(), null);
        if (member == null) {
          break;
        }
        Waiter waiter = queue.pollFirst();
        dequeued(null);
        handOvers.add(() -> waiter.handOver(member));
      }
    }
    handOvers.forEach(Runnable::run);
  }

  // --- server state ---

  /** The checks took {@code server} down; nothing to say if its agent had already. */
  void checkedDown(Server server, CheckOutcome outcome, long checkMillis) {
    if (server.agentDown()) {
      return;
    }
    stateChanged(
        server,
        TransitionLines.checked(name(), server.name(), false, outcome, checkMillis),
        true);
    if (server.check() != null && server.check().shutdownSessionsOnDown()) {
      shutdownSessions.accept(server);
    }
  }

  /** The checks brought {@code server} back up, unless its agent keeps it down. */
  void checkedUp(Server server, CheckOutcome outcome, long checkMillis) {
    if (server.agentDown()) {
      return;
    }
    stateChanged(
        server, TransitionLines.checked(name(), server.name(), true, outcome, checkMillis), false);
  }

  /**
   * {@code server}'s agent answered: its admin state, then its weight, then its health change as
   * HAProxy applies them. The server goes down when the agent says so, and comes back up when the
   * agent says up and the checks, if any, agree.
   */
  private void agentReplied(
      Server server, AgentReply reply, CheckOutcome outcome, boolean wasDown, long millis) {
    if (reply.admin() != null) {
      adminState(server, reply.admin());
    }
    Integer weight = reply.weight(server.initialWeight());
    if (weight != null && weight != server.member().weight()) {
      reweigh(server, weight); // as HAProxy, which logs no line for an agent's weight
    }
    Integer maxConn = reply.maxConn();
    if (maxConn != null && maxConn != server.member().maxConn()) {
      maxConn(server, maxConn);
    }
    if (reply.health() == null || reply.down() == wasDown || !server.checkedUp()
        || server.adminState() == AdminState.MAINT) {
      return;
    }
    stateChanged(
        server,
        TransitionLines.checked(name(), server.name(), !reply.down(), outcome, millis),
        reply.down());
  }

  /** An operator set {@code server}'s admin state. */
  void adminState(Server server, AdminState state) {
    AdminState before = server.adminState();
    if (before == state) {
      return;
    }
    boolean wasDown = server.status() == ServerStatus.DOWN;
    HealthChecker checker = server.checker();
    if (checker != null && state == AdminState.MAINT) {
      checker.pause();
    }
    server.adminState(state);
    if (checker != null && before == AdminState.MAINT) {
      checker.resume();
    }
    boolean leaving = before != AdminState.READY && state != AdminState.MAINT;
    stateChanged(
        server,
        TransitionLines.adminState(
            name(), server.name(), before, state, wasDown, server.status() == ServerStatus.DOWN),
        state == AdminState.MAINT,
        !leaving);
  }

  /** An operator set {@code server}'s weight. */
  void weight(Server server, int weight) {
    reweigh(server, weight);
    notifier.serverChanged(new ServerEvent(name(), server.name(), server.status(),
        TransitionLines.weight(name(), server.name(), weight)));
  }

  /**
   * Sets {@code server}'s maxconn, 0 for none; clients beyond a limit now wait in the queues, and
   * those a higher limit lets in leave them.
   */
  void maxConn(Server server, int maxConn) {
    if (maxConn > 0) {
      queueing = true;
    }
    scheduler.setMaxConn(server.member(), maxConn);
    serveQueues();
  }

  /** Makes {@code server} a backup or an active server, and serves the queues. */
  void backup(Server server, boolean backup) {
    scheduler.setBackup(server.member(), backup);
    serveQueues();
  }

  /** Sets {@code server}'s weight and serves the queues it may now take from. */
  private void reweigh(Server server, int weight) {
    scheduler.setWeight(server.member(), weight);
    serveQueues();
  }

  private void stateChanged(Server server, StringBuilder line, boolean down) {
    stateChanged(server, line, down, true);
  }

  /**
   * Puts {@code server} in or out of the rotation as its status now says, serves the queues, and
   * logs {@code line}, with the backend's tally when {@code tally} (HAProxy leaves it off the lines
   * of a server leaving forced drain or maintenance), and tells the listeners.
   */
  private void stateChanged(Server server, StringBuilder line, boolean down, boolean tally) {
    server.statusChanged();
    scheduler.setUsable(server.member(), server.takesNewClients());
    clock.observe(!scheduler.hasUsableServer());
    serveQueues();
    if (tally) {
      TransitionLines.tally(line, down, online(), server.counters().current(), counters.queued());
    }
    if (down) {
      log.warn("{}", line);
    } else {
      log.info("{}", line);
    }
    notifier.serverChanged(new ServerEvent(name(), server.name(), server.status(), line.toString()));
    if (!scheduler.hasUsableServer()) {
      log.error("backend '{}' has no server available!", name());
    }
  }

  /** How many active and backup servers take new clients. */
  private int[] online() {
    int[] online = new int[2];
    for (Server server : servers) {
      if (server != null && server.takesNewClients() && server.member().weight() > 0) {
        online[server.member().backup() ? 1 : 0]++;
      }
    }
    return online;
  }

  // --- adding and removing servers ---

  /**
   * Adds a server at run time, in maintenance as HAProxy's {@code add server} does: it takes
   * connections once an operator sets it ready. Returns false, and adds nothing, when the backend
   * has a server of that name.
   *
   * @throws IllegalArgumentException naming the id when another server has it
   */
  boolean add(ServerConfig config) {
    Server server;
    synchronized (lock) {
      Server[] current = servers;
      for (Server other : current) {
        if (other != null && other.name().equals(config.name())) {
          return false;
        }
      }
      Set<Integer> sids = new HashSet<>();
      for (Server other : current) {
        if (other != null) {
          sids.add(other.sid());
        }
      }
      if (config.id() != 0 && sids.contains(config.id())) {
        throw new IllegalArgumentException(
            "server '" + config.name() + "': id " + config.id() + " is already used");
      }
      server = new Server(current.length, sid(config, sids), config, false);
      server.adminState(AdminState.MAINT);
      scheduler.add(server.member());
      Server[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = server;
      servers = next;
      queueing |= server.member().maxConn() > 0;
    }
    startChecking(server, 0, 1);
    log.info("New server {}/{} registered.", name(), server.name());
    return true;
  }

  /**
   * Removes a server, which must be in maintenance with no connection, as HAProxy's {@code del
   * server} requires.
   */
  void remove(Server server) {
    synchronized (lock) {
      if (server.adminState() != AdminState.MAINT) {
        throw new IllegalStateException(
            "Only servers in maintenance mode can be deleted: " + name() + "/" + server.name());
      }
      if (server.member().inflight() > 0 || !server.queue.isEmpty()) {
        throw new IllegalStateException(
            "Server " + name() + "/" + server.name() + " still has "
                + server.member().inflight() + " connections and " + server.queue.size()
                + " queued");
      }
      scheduler.remove(server.member());
      Server[] next = servers.clone();
      next[server.member().id()] = null;
      servers = next;
    }
    if (server.checker() != null) {
      checks.stop(server.checker());
    }
    if (server.agent() != null) {
      checks.stop(server.agent());
    }
    log.info("Server {}/{} deleted.", name(), server.name());
  }
}
