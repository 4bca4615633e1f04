package io.steelyard.lb.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The far ends of many connections, in a process of its own so that a balancer under test gets
 * this JVM's whole file-descriptor limit: two greeting backends, and on command many clients
 * that hold their connections open. Speaks lines on stdin and stdout:
 *
 * <pre>
 * &lt; backends PORT1 PORT2
 * &gt; connect PORT N           (N clients to 127.0.0.1:PORT from 127.0.0.2-41, each reads its greeting)
 * &lt; connected N s1=X s2=Y
 * &gt; close                    (or end of input)
 * &lt; closed
 * </pre>
 */
public final class LoadPeer {
  private LoadPeer() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    List<Socket> clients = new ArrayList<>();
    try (TestBackend s1 = TestBackend.greeting("s1");
        TestBackend s2 = TestBackend.greeting("s2")) {
      out.println("backends " + s1.address().getPort() + " " + s2.address().getPort());
      for (String line = in.readLine(); line != null && !line.equals("close"); line = in.readLine()) {
        String[] words = line.split(" ");
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", Integer.parseInt(words[1]));
        int count = Integer.parseInt(words[2]);
        Map<String, Integer> servers = new TreeMap<>();
        for (int i = 0; i < count; i++) {
          clients.add(TestClient.connect(target, TestClient.loopback(2 + i % 40)));
        }
        for (Socket client : clients) {
          servers.merge(TestClient.readLine(client), 1, Integer::sum);
        }
        StringBuilder report = new StringBuilder("connected " + clients.size());
        servers.forEach((name, n) -> report.append(' ').append(name).append('=').append(n));
        out.println(report);
      }
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
    out.println("closed");
  }
}
