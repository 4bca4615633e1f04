package io.steelyard.lb;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.config.SocketAddresses;
import io.steelyard.lb.forward.Forwarding;
import io.steelyard.lb.health.AdminState;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The difference between a running configuration and a new one, as {@link Balancer#reconfigure}
 * applies it, in this order:
 *
 * <ol>
 *   <li>backends added (their servers checked from then on);
 *   <li>frontends added and addresses added to frontends, each listening at once;
 *   <li>frontends whose default backend, client timeout, client keep-alive or log changed, for the
 *       connections they accept from then on;
 *   <li>addresses removed from frontends, and frontends removed: their listeners close, the
 *       connections they accepted go on;
 *   <li>in each backend that remains: servers added (ready, and checked if they are), servers
 *       removed (in maintenance at once, so that they take no new client, and deleted once their
 *       last connection ends: none is cut), and servers whose weight, maxconn, backup role,
 *       address (for new connections), maxqueue or checks changed (checks start again, the
 *       server taken as up);
 *   <li>backends removed, once no frontend sends to them: their connections go on.
 * </ol>
 *
 * <p>Stick tables of the backends that remain keep their entries. Any other difference (a
 * backend's balance or timeouts, a server's id, a frontend's maxconn or
 * transparency, the peers, a backend added or removed whose table peers replicate) is not applied
 * yet: the whole new configuration is then refused, naming each such difference, and nothing
 * changes. Should an address of step 2 fail to bind, what steps 1 and 2 did is undone and the
 * reconfiguration fails naming the address.
 */
final class ConfigChanges {
  /** A step that can fail (a bind), and how to undo it once it has succeeded. */
  private interface Undoable {
    Runnable apply();
  }

  /** How each frontend setting that changes in place is named in the list of changes. */
  private static final Map<String, String> FRONTEND_SETTINGS = Map.of(
      "defaultBackend", "default_backend", "clientTimeout", "timeout client",
      "clientKeepAlive", "client keep-alive", "logging", "log");

  /** How each server setting that changes in place is named in the list of changes. */
  private static final Map<String, String> SERVER_SETTINGS = Map.of(
      "weight", "weight", "maxConn", "maxconn", "address", "address", "maxQueue", "maxqueue",
      "check", "check", "agent", "agent-check", "backup", "backup");

  private final List<String> refused = new ArrayList<>();
  private final List<Undoable> undoable = new ArrayList<>();
  private final List<Runnable> steps = new ArrayList<>();
  private final List<String> changes = new ArrayList<>();

  private ConfigChanges() {}

  /**
   * The changes from {@code running} to {@code next}.
   *
   * @throws ConfigException naming every difference that cannot be applied to a running balancer
   */
  static ConfigChanges between(BalancerConfig running, BalancerConfig next, Forwarding forwarding) {
    ConfigChanges diff = new ConfigChanges();
    diff.compare(running, next, forwarding);
    if (!diff.refused.isEmpty()) {
      throw new ConfigException("cannot apply to a running balancer (restart it for these): "
          + String.join("; ", diff.refused));
    }
    return diff;
  }

  /**
   * Applies the changes, in order, and says what they were.
   *
   * @throws ConfigException naming the address that could not be bound; nothing changed then
   */
  Reconfiguration apply() {
    List<Runnable> undo = new ArrayList<>();
    try {
      for (Undoable step : undoable) {
        undo.add(0, step.apply());
      }
    } catch (IllegalStateException e) {
      undo.forEach(Runnable::run);
      throw new ConfigException(String.valueOf(e.getMessage()));
    }
    steps.forEach(Runnable::run);
    return new Reconfiguration(List.copyOf(changes));
  }

  private void compare(BalancerConfig running, BalancerConfig next, Forwarding forwarding) {
    sameFields("", running, next, Set.of("frontends", "backends"));
    Map<String, BackendConfig> before = byName(running.backends(), BackendConfig::name);
    for (BackendConfig backend : next.backends()) {
      if (!before.containsKey(backend.name())) {
        addBackend(backend, forwarding);
      }
    }
    Map<String, FrontendConfig> was = byName(running.frontends(), FrontendConfig::name);
    for (FrontendConfig frontend : next.frontends()) {
      if (was.containsKey(frontend.name())) {
        compareFrontend(was.get(frontend.name()), frontend, forwarding);
      } else {
        addFrontend(frontend, forwarding);
      }
    }
    Map<String, FrontendConfig> kept = byName(next.frontends(), FrontendConfig::name);
    for (FrontendConfig frontend : running.frontends()) {
      if (!kept.containsKey(frontend.name())) {
        steps.add(() -> forwarding.removeFrontend(frontend.name()));
        changes.add("frontend '" + frontend.name() + "' removed (its connections go on)");
      }
    }
    Map<String, BackendConfig> after = byName(next.backends(), BackendConfig::name);
    for (BackendConfig backend : running.backends()) {
      BackendConfig now = after.get(backend.name());
      if (now != null) {
        compareBackend(backend, now, forwarding);
      } else if (replicated(backend)) {
        refused.add("backend '" + backend.name() + "' removed, whose stick table peers replicate");
      } else {
        steps.add(() -> forwarding.removeBackend(backend.name()));
        changes.add("backend '" + backend.name() + "' removed (its connections go on)");
      }
    }
  }

  private void addBackend(BackendConfig backend, Forwarding forwarding) {
    String what = "backend '" + backend.name() + "' added";
    if (replicated(backend)) {
      refused.add(what + ", whose stick table peers replicate");
    } else if (backend.source() != null && backend.source().foreign() && !forwarding.transparent()) {
      refused.add(what + " with the client's address as source, which this transport cannot do");
    } else {
      undoable.add(() -> {
        forwarding.addBackend(backend);
        return () -> forwarding.removeBackend(backend.name());
      });
      changes.add(what);
    }
  }

  private void addFrontend(FrontendConfig frontend, Forwarding forwarding) {
    String what = "frontend '" + frontend.name() + "' added";
    if (frontend.maxConn() > 0 && !forwarding.limitsFrontends()) {
      refused.add(what + " with a maxconn, which a balancer started without any maxconn does not count");
    } else if (frontend.transparent() && !forwarding.transparent()) {
      refused.add(what + " transparent, which this transport cannot do");
    } else {
      undoable.add(() -> {
        forwarding.addFrontend(frontend);
        return () -> forwarding.removeFrontend(frontend.name());
      });
      changes.add(what);
    }
  }

  private void compareFrontend(FrontendConfig old, FrontendConfig next, Forwarding forwarding) {
    String name = next.name();
    String what = "frontend '" + name + "': ";
    Set<String> inPlace = new HashSet<>(FRONTEND_SETTINGS.keySet());
    inPlace.add("binds");
    sameFields(what, old, next, inPlace);
    for (InetSocketAddress address : next.binds()) {
      if (!old.binds().contains(address)) {
        undoable.add(() -> {
          forwarding.bind(name, address);
          return () -> forwarding.unbind(name, address);
        });
        changes.add(what + "bind " + SocketAddresses.hostPort(address) + " added");
      }
    }
    List<String> settings = differences(old, next, FRONTEND_SETTINGS.keySet());
    if (!settings.isEmpty()) {
      steps.add(() -> forwarding.updateFrontend(next));
      settings.forEach(field -> changes.add(what + FRONTEND_SETTINGS.get(field) + " changed"));
    }
    for (InetSocketAddress address : old.binds()) {
      if (!next.binds().contains(address)) {
        steps.add(() -> forwarding.unbind(name, address));
        changes.add(what + "bind " + SocketAddresses.hostPort(address) + " removed (its connections go on)");
      }
    }
  }

  private static boolean replicated(BackendConfig backend) {
    return backend.stick() != null && backend.stick().peers() != null;
  }

  private void compareBackend(BackendConfig old, BackendConfig next, Forwarding forwarding) {
    String backend = next.name();
    sameFields("backend '" + backend + "': ", old, next, Set.of("servers"));
    Map<String, ServerConfig> before = new LinkedHashMap<>();
    old.servers().forEach(server -> before.put(server.name(), server));
    for (ServerConfig server : next.servers()) {
      ServerConfig was = before.remove(server.name());
      String what = "backend '" + backend + "': server '" + server.name() + "'";
      if (was == null && draining(forwarding, backend, server.name())) {
        refused.add(what + " is still draining from an earlier change");
        continue;
      }
      if (was == null) {
        steps.add(() -> {
          if (!forwarding.addServer(backend, server)) {
            throw new ConfigException(backend, what + " is still draining from an earlier change");
          }
          forwarding.setState(backend, server.name(), AdminState.READY);
        });
        changes.add(what + " added");
        continue;
      }
      sameFields(what + ": ", was, server, SERVER_SETTINGS.keySet());
      if (was.backup() != server.backup()) {
        steps.add(() -> forwarding.setBackup(backend, server.name(), server.backup()));
        changes.add(what + (server.backup() ? " now backup" : " now active"));
      }
      List<String> resettled = differences(was, server, Set.of("address", "maxQueue", "check", "agent"));
      if (!resettled.isEmpty()) {
        steps.add(() -> forwarding.resettleServer(backend, server));
        resettled.forEach(field -> changes.add(what + " " + SERVER_SETTINGS.get(field)
            + (field.equals("address") ? " " + SocketAddresses.hostPort(was.address()) + " -> "
                + SocketAddresses.hostPort(server.address()) : " changed")));
      }
      if (was.weight() != server.weight()) {
        steps.add(() -> forwarding.setWeight(backend, server.name(), server.weight()));
        changes.add(what + " weight " + was.weight() + " -> " + server.weight());
      }
      if (was.maxConn() != server.maxConn()) {
        steps.add(() -> forwarding.setMaxConn(backend, server.name(), server.maxConn()));
        changes.add(what + " maxconn " + was.maxConn() + " -> " + server.maxConn());
      }
    }
    for (ServerConfig gone : before.values()) {
      steps.add(() -> forwarding.retireServer(backend, gone.name()));
      changes.add("backend '" + backend + "': server '" + gone.name()
          + "' removed (in maintenance until its last connection ends)");
    }
  }

  /**
   * Refuses each component of two records of the same type that differs, but those in {@code
   * changeable}: {@code backend 'bk': balance changed}.
   */
  private void sameFields(String what, Record before, Record after, Set<String> changeable) {
    for (RecordComponent component : before.getClass().getRecordComponents()) {
      if (!changeable.contains(component.getName()) && differs(component, before, after)) {
        refused.add(what + component.getName() + " changed");
      }
    }
  }

  /** The components among {@code names} that differ between two records of the same type. */
  private static List<String> differences(Record before, Record after, Set<String> names) {
    List<String> differing = new ArrayList<>();
    for (RecordComponent component : before.getClass().getRecordComponents()) {
      if (names.contains(component.getName()) && differs(component, before, after)) {
        differing.add(component.getName());
      }
    }
    return differing;
  }

  private static boolean differs(RecordComponent component, Record before, Record after) {
    try {
      Method accessor = component.getAccessor();
      return !Objects.equals(accessor.invoke(before), accessor.invoke(after));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("a record's accessor is public", e);
    }
  }

  /** Whether the running backend has a server of this name, one a change removed and not yet deleted. */
  private static boolean draining(Forwarding forwarding, String backend, String server) {
    return forwarding.stats().backend(backend).servers().stream()
        .anyMatch(running -> running.name().equals(server));
  }

  private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(item -> map.put(name.apply(item), item));
    return map;
  }
}
