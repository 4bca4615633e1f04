package io.steelyard.lb.cli;

import io.steelyard.lb.Balancer;
import io.steelyard.lb.peers.PeerSection;
import java.util.List;

/**
 * {@code show peers [dict|-] [<section>]}: each section of peers as {@link PeerSection#describe()} writes
 * it, in HAProxy's layout, each followed by an empty line; {@code No such peers} for an
 * unknown name, as HAProxy. The server-name dictionaries ({@code dict}) are not
 * dumped.
 */
final class PeersCommand {
  private PeersCommand() {}

  static String show(Balancer balancer, List<String> words) {
    int at = CliSession.word(words, 2).equals("dict") || CliSession.word(words, 2).equals("-") ? 3 : 2;
    String name = CliSession.word(words, at);
    StringBuilder out = new StringBuilder();
    for (PeerSection section : balancer.peers()) {
      if (name.isEmpty() || section.name().equals(name)) {
        out.append(section.describe()).append('\n');
      }
    }
    if (!name.isEmpty() && out.isEmpty()) {
      return "No such peers\n";
    }
    return out.toString();
  }
}
