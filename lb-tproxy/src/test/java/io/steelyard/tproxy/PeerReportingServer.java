package io.steelyard.tproxy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test backend, run in its own network namespace: answers each connection with {@code NAME
 * PEER-ADDRESS PEER-PORT}, the address and port it sees the client at, then closes. Args: name,
 * port. Stops when its standard input closes or after 10,000 connections.
 */
public final class PeerReportingServer {
  private PeerReportingServer() {}

  public static void main(String[] args) throws IOException {
    String name = args[0];
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress(Integer.parseInt(args[1])));
      Thread watchdog = new Thread(() -> {
        try {
          System.in.readAllBytes();
        } catch (IOException ignored) {
          // the parent is gone either way
        }
        System.exit(0);
      });
      watchdog.setDaemon(true);
      watchdog.start();
      System.out.println("listening");
      System.out.flush();
      for (int i = 0; i < 10_000; i++) {
        try (Socket client = listener.accept()) {
          InetSocketAddress peer = (InetSocketAddress) client.getRemoteSocketAddress();
          OutputStream out = client.getOutputStream();
          out.write((name + " " + peer.getAddress().getHostAddress() + " " + peer.getPort() + "\n")
              .getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      }
    }
  }
}
