package io.steelyard.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.steelyard.vrrp.packet.Advertisement;
import io.steelyard.vrrp.packet.ReceiveFilter;
import io.steelyard.vrrp.packet.Verdict;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A simulated Ethernet segment of VRRP routers, in simulated time: each router is the real
 * codec, receive filter and state machine; adverts are real datagrams, delivered to the others
 * after {@link #LATENCY} (or lost). Time starts close to the end of the {@code nanoTime} scale so
 * that every run crosses its wrap.
 */
final class Lan {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;
  static final long LATENCY = 100_000;
  static final long BASE = Long.MAX_VALUE - 30 * S;

  /** Something that happened, at a time relative to the start of the simulation. */
  record Step(long time, String router, Object what) {
    @Override
    public String toString() {
      return String.format("%d.%09d %s %s", time / S, time % S, router, what);
    }
  }

  private record Event(long time, long seq, Runnable action) {}

  private final PriorityQueue<Event> queue = new PriorityQueue<>(
      (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final List<Router> routers = new ArrayList<>();
  final List<Step> steps = new ArrayList<>();
  private long seq;
  private long now;
  private Random loss;
  private double lossRate;

  long now() {
    return now;
  }

  Router router(String name, InstanceConfig config, Inet4Address address) {
    Router router = new Router(name, config, address);
    routers.add(router);
    return router;
  }

  List<Router> routers() {
    return routers;
  }

  /** Loses each delivery with this probability from now on. */
  void lose(double rate, Random random) {
    this.lossRate = rate;
    this.loss = random;
  }

  /** Runs everything due up to {@code time} (relative), then sets the clock there. */
  void runUntil(long time) {
    while (true) {
      long next = Long.MAX_VALUE;
      if (!queue.isEmpty()) {
        next = queue.peek().time;
      }
      for (Router r : routers) {
        OptionalLong deadline = r.running() ? r.machine.nextDeadline() : OptionalLong.empty();
        if (deadline.isPresent()) {
          next = Math.min(next, deadline.getAsLong() - BASE);
        }
      }
      if (next > time) {
        break;
      }
      now = Math.max(now, next);
      while (!queue.isEmpty() && queue.peek().time <= now) {
        queue.poll().action.run();
      }
      for (Router r : routers) {
        if (r.running() && r.machine.nextDeadline().isPresent()
            && r.machine.nextDeadline().getAsLong() - BASE <= now) {
          r.handle(r.machine.tick(BASE + now));
        }
      }
    }
    now = time;
  }

  List<Router> holders() {
    return routers.stream().filter(r -> r.holds).toList();
  }

  private void schedule(long time, Runnable action) {
    queue.add(new Event(time, seq++, action));
  }

  /** One router: a VRRP instance on a host that may be powered off. */
  final class Router {
    final String name;
    InstanceConfig config;
    final Inet4Address address;
    final List<Transition> heard = new ArrayList<>();
    final List<StateListener> listeners = new ArrayList<>(List.of(heard::add));
    VrrpMachine machine;
    ReceiveFilter filter;
    boolean powered;
    boolean holds;
    int arps;
    private State state;

    Router(String name, InstanceConfig config, Inet4Address address) {
      this.name = name;
      this.config = config;
      this.address = address;
    }

    boolean running() {
      return powered && machine != null && machine.state() != State.STOP;
    }

    /** Powers on (if off) and starts a fresh instance, as a keepalived restart. */
    Router start() {
      powered = true;
      machine = VrrpMachine.create(config, address);
      filter = config.newReceiveFilter();
      state = State.INITIALIZE;
      handle(machine.start(BASE + now));
      return this;
    }

    /** Stops the instance gracefully: priority 0, addresses released. */
    void stop() {
      handle(machine.stop(BASE + now));
    }

    /** Loses power: silence, and the addresses go with the box. */
    void crash() {
      powered = false;
      holds = false;
      steps.add(new Step(now, name, "crash"));
    }

    /** Reloads the instance with {@code next}, as keepalived's SIGHUP. */
    void reconfigure(InstanceConfig next) {
      handle(machine.reconfigure(BASE + now, next));
      config = next;
      filter = next.newReceiveFilter();
    }

    void track(String track, boolean passed) {
      handle(machine.trackResult(BASE + now, track, passed));
    }

    State state() {
      return running() ? machine.state() : State.STOP;
    }

    /** Performs the actions as the Linux side will, checking that they make sense. */
    void handle(List<Action> actions) {
      for (Action action : actions) {
        steps.add(new Step(now, name, action));
        if (action instanceof Action.SendAdvert send) {
          byte[] datagram = config.advertisement(send.priority())
              .encodeIpv4(address, Advertisement.MULTICAST_GROUP);
          for (Router other : routers) {
            if (other != this) {
              schedule(now + LATENCY, () -> other.receive(datagram));
            }
          }
        } else if (action instanceof Action.AddAddresses) {
          assertThat(holds).as("%s adds addresses it holds", name).isFalse();
          holds = true;
        } else if (action instanceof Action.RemoveAddresses) {
          assertThat(holds).as("%s removes addresses it does not hold", name).isTrue();
          holds = false;
        } else if (action instanceof Action.ChangeAddresses change) {
          assertThat(holds).as("%s changes addresses it does not hold", name).isTrue();
          this.arps += change.repeat() * change.added().size();
        } else if (action instanceof Action.SendGratuitousArps arps) {
          assertThat(holds).as("%s sends ARPs for addresses it does not hold", name).isTrue();
          this.arps += arps.repeat();
        } else if (action instanceof Transition t) {
          assertThat(t.from()).as("%s transition %s", name, t).isEqualTo(state);
          state = t.to();
          listeners.forEach(listener -> listener.stateChanged(t));
        }
      }
      assertThat(holds).as("%s holds addresses exactly as master", name)
          .isEqualTo(machine.state() == State.MASTER);
      assertThat(machine.state()).isEqualTo(state);
    }

    private void receive(byte[] datagram) {
      if (!running() || (loss != null && loss.nextDouble() < lossRate)) {
        return;
      }
      Verdict verdict = filter.check(ByteBuffer.wrap(datagram), BASE + now);
      assertThat(verdict.accepted()).as("%s accepts %s", name, verdict).isTrue();
      Verdict.Accepted accepted = (Verdict.Accepted) verdict;
      handle(machine.advertReceived(BASE + now, accepted.source(), accepted.advertisement()));
    }

    /** The time of this router's last transition into {@code to}. */
    long lastTransitionTo(State to) {
      for (int i = steps.size() - 1; i >= 0; i--) {
        Step step = steps.get(i);
        if (step.router.equals(name) && step.what instanceof Transition t && t.to() == to) {
          return step.time;
        }
      }
      throw new AssertionError(name + " never entered " + to + ": " + steps);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
