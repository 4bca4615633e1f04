package io.steelyard.lb;

import io.steelyard.lb.config.BackendConfig;
import io.steelyard.lb.config.BalancerConfig;
import io.steelyard.lb.config.FrontendConfig;
import io.steelyard.lb.config.ServerConfig;
import io.steelyard.lb.forward.Forwarding;
import io.steelyard.lb.health.AdminState;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The difference between a running configuration and a new one, as {@link Balancer#reconfigure}
 * applies it: in each backend, servers added (ready, and checked if they are), servers removed
 * (in maintenance at once, so that they take no new client, and deleted once their last
 * connection ends: none is cut), and servers whose weight or maxconn changed; a frontend's
 * connection log (its sink, format or {@code dontlognull}), for the connections that end from
 * then on. Any other
 * difference (a frontend, a backend, a timeout, a server's address or checks, the peers) is not
 * applied yet: the whole new configuration is then refused, naming each such difference, and
 * nothing changes.
 */
final class ConfigChanges {
  private final List<String> refused = new ArrayList<>();
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

  /** Applies the changes, in order, and says what they were. */
  Reconfiguration apply() {
    steps.forEach(Runnable::run);
    return new Reconfiguration(List.copyOf(changes));
  }

  private void compare(BalancerConfig running, BalancerConfig next, Forwarding forwarding) {
    sameFields("", running, next, Set.of("frontends", "backends"));
    Map<String, FrontendConfig> frontends = byName(next.frontends(), FrontendConfig::name);
    for (FrontendConfig frontend : running.frontends()) {
      FrontendConfig now = frontends.remove(frontend.name());
      if (now == null) {
        refused.add("frontend '" + frontend.name() + "' removed");
      } else {
        sameFields("frontend '" + frontend.name() + "': ", frontend, now, Set.of("logging"));
        if (!Objects.equals(frontend.logging(), now.logging())) {
          steps.add(() -> forwarding.setLogging(now.name(), now.logging()));
          changes.add("frontend '" + now.name() + "': log changed");
        }
      }
    }
    frontends.keySet().forEach(name -> refused.add("frontend '" + name + "' added"));
    Map<String, BackendConfig> backends = byName(next.backends(), BackendConfig::name);
    for (BackendConfig backend : running.backends()) {
      BackendConfig now = backends.remove(backend.name());
      if (now == null) {
        refused.add("backend '" + backend.name() + "' removed");
      } else {
        compareBackend(backend, now, forwarding);
      }
    }
    backends.keySet().forEach(name -> refused.add("backend '" + name + "' added"));
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
      sameFields(what + ": ", was, server, Set.of("weight", "maxConn"));
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
      if (changeable.contains(component.getName())) {
        continue;
      }
      try {
        Method accessor = component.getAccessor();
        if (!Objects.equals(accessor.invoke(before), accessor.invoke(after))) {
          refused.add(what + component.getName() + " changed");
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("a record's accessor is public", e);
      }
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
