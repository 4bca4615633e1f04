package host;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.schedule.Balance;
import io.steelyard.lb.transport.Transport;
import io.steelyard.vrrp.Vrrp;
import io.steelyard.vrrp.linux.LinuxInterface;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A host application that runs a leastconn balancer with a stick table in front of a server of
 * its own, sends one connection through it and prints the answer and the module it runs in.
 * Exits non-zero when the answer does not come.
 */
public final class HostMain {
  public static void main(String[] args) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread backend = new Thread(() -> {
        try (Socket connection = server.accept()) {
          OutputStream out = connection.getOutputStream();
          out.write("hello from the server\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } catch (Exception e) {
          e.printStackTrace();
        }
      });
      backend.start();
      Vrrp.Builder vrrp = Vrrp.instance("VI_1").iface("eth0"); // attached where raw sockets are allowed
      try (Balancer balancer = Balancer.builder()
          .frontend("ft", f -> f.bind("127.0.0.1:0").defaultBackend("bk"))
          .backend("bk", b -> b.balance(Balance.leastConn())
              .stickOnSource(t -> t.size(200_000).expire(Duration.ofMinutes(30)))
              .server("s1", "127.0.0.1:" + server.getLocalPort()))
          .start()) {
        InetSocketAddress front = balancer.boundAddresses("ft").get(0);
        try (Socket client = new Socket(front.getAddress(), front.getPort())) {
          client.setSoTimeout(5_000);
          String answer = new BufferedReader(new InputStreamReader(
              client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
          System.out.println("host: '" + answer + "' through Steelyard on " + Transport.auto().name()
              + ", from " + where(HostMain.class) + ", with lb-core from " + where(Balancer.class)
              + " and lb-vrrp from " + where(vrrp.getClass()));
          if (!"hello from the server".equals(answer)) {
            System.exit(1);
          }
          // lb-vrrp's Linux calls go through JNA: look the loopback up as VRRP looks its interface up.
          LinuxInterface loopback = LinuxInterface.lookup("lo");
          System.out.println("host: lb-vrrp finds " + loopback);
          if (HostMain.class.getModule().isNamed()) {
            checkModules();
          }
        }
      }
      backend.join(5_000);
    }
  }

  /**
   * As a named module: Steelyard's jars are real modules that keep the forwarding runtime to
   * themselves, and the native transport resolved (run.sh adds Netty's native modules).
   */
  private static void checkModules() {
    Module core = Balancer.class.getModule();
    if (core.getDescriptor() == null || core.getDescriptor().isAutomatic()) {
      fail("lb-core is not an explicit module: " + core);
    }
    if (core.isExported("io.steelyard.lb.forward")) {
      fail("lb-core exports its forwarding runtime");
    }
    if (!core.isExported("io.steelyard.lb.stick")) {
      fail("lb-core does not export io.steelyard.lb.stick");
    }
    if (Transport.auto().name().equals(Transport.nio().name())) {
      fail("no native transport on the module path");
    }
  }

  private static void fail(String why) {
    System.err.println("host: " + why);
    System.exit(1);
  }

  /** The named module {@code type} is in, or "the class path". */
  private static String where(Class<?> type) {
    Module module = type.getModule();
    return module.isNamed() ? "module " + module.getName() : "the class path";
  }
}
