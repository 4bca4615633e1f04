package io.steelyard.lb.schedule;

import java.util.List;

/**
 * The algorithms that pick by a hash of the client's address ({@code balance source}, map-based
 * or consistent): a connection counted or ended changes no pick, so they ignore the counts.
 */
abstract sealed class ClientHashScheduler extends AbstractScheduler
    permits SourceHash, SourceMaglev {

  ClientHashScheduler(List<Member> members) {
    super(members);
  }

  @Override
  final void acquired(Member member) {}

  @Override
  final void acquiredDirect(Member member) {}

  @Override
  final void released(Member member) {}
}
