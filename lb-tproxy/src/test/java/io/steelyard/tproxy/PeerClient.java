package io.steelyard.tproxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A test client, run in its own network namespace: connects {@code rounds} times (at most 100)
 * from each source address to the target and prints {@code SOURCE LOCAL-PORT ANSWER} per
 * connection ({@code SOURCE FAILED reason} when it fails); each connection gives up after 5 s.
 * Args: host, port, rounds, source addresses.
 */
public final class PeerClient {
  private PeerClient() {}

  public static void main(String[] args) {
    InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int rounds = Math.min(Integer.parseInt(args[2]), 100);
    for (int round = 0; round < rounds; round++) {
      for (int i = 3; i < args.length; i++) {
        System.out.println(args[i] + " " + ask(target, args[i]));
      }
    }
  }

  private static String ask(InetSocketAddress target, String source) {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(5_000);
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(target, 5_000);
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        line.append((char) c);
      }
      return line.length() == 0
          ? "FAILED closed without an answer"
          : socket.getLocalPort() + " " + line;
    } catch (IOException e) {
      return "FAILED " + e;
    }
  }
}
