package io.tributary.cluster.metadata;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;

/**
 * Lists a listener in the metadata group's configuration, or drops it, by asking the group's leader with
 * Ratis's admin API. Each change is a compare-and-set against the configuration the leader holds, so that a
 * listener joining or leaving at the same time is kept as it is. (Ratis 3.1.3's ADD mode cannot be used for
 * this: it keeps the voters but replaces the listeners with the ones it names.)
 *
 * <p>A request can meet an election, a leader still busy with another reconfiguration, or a configuration
 * that changed since it was read: each is tried again, from a fresh read, until the deadline. Both calls
 * block, so they run on a worker.
 */
final class ListenerEnrolment {
  private static final long PAUSE_MILLIS = 200;

  private final Supplier<RaftClient> adminClients;
  private final RaftGroupId groupId;
  private final List<RaftPeerId> voters;
  private final Duration within;

  /**
   * @param adminClients makes a client towards the voters, one per call
   * @param voters the voters, any of which may be the leader
   * @param within how long a call keeps trying before it fails
   */
  ListenerEnrolment(Supplier<RaftClient> adminClients, RaftGroupId groupId, List<RaftPeerId> voters, Duration within) {
    this.adminClients = adminClients;
    this.groupId = groupId;
    this.voters = List.copyOf(voters);
    this.within = within;
  }

  /**
   * Adds the listener to the group's configuration, keeping every voter and other listener; the leader first
   * brings it up to date (its log or its snapshot) and answers once the new configuration is committed.
   * When the configuration lists it already (a restart), nothing is changed.
   */
  void join(RaftPeer listener) throws IOException {
    reconfigure("list " + listener.getId() + " as a listener of the metadata group", listeners -> {
      if (listed(listeners, listener)) return null;
      List<RaftPeer> with = new ArrayList<>(listeners);
      with.add(listener);
      return with;
    });
  }

  /** Drops the listener from the group's configuration; when it is not listed, nothing is changed. */
  void leave(RaftPeer listener) throws IOException {
    reconfigure("drop " + listener.getId() + " from the metadata group's listeners", listeners ->
        listed(listeners, listener)
            ? listeners.stream().filter(peer -> !peer.getId().equals(listener.getId())).toList()
            : null);
  }

  private static boolean listed(List<RaftPeer> listeners, RaftPeer listener) {
    return listeners.stream().anyMatch(peer -> peer.getId().equals(listener.getId()));
  }

  /**
   * Reads the leader's configuration, asks for the listeners the change makes of its listeners (null: none
   * to make), and tries again until the leader accepts it.
   */
  private void reconfigure(String what, Function<List<RaftPeer>, List<RaftPeer>> change) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    IOException last = null;
    try (RaftClient client = adminClients.get()) {
      while (true) {
        try {
          Collection<RaftPeer> current = leaderConfiguration(client);
          List<RaftPeer> servers = current.stream().filter(peer -> voters.contains(peer.getId())).toList();
          List<RaftPeer> listeners = current.stream().filter(peer -> !voters.contains(peer.getId())).toList();
          List<RaftPeer> changed = change.apply(listeners);
          if (changed == null) return;
          RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
              .setServersInCurrentConf(servers)
              .setListenersInCurrentConf(listeners)
              .setServersInNewConf(servers)
              .setListenersInNewConf(changed)
              .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
              .build());
          if (reply.isSuccess()) return;
          last = reply.getException();
        } catch (IOException e) {
          last = e;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("could not " + what + " within " + within.toMillis() + " ms", last);
        }
        try {
          Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while trying to " + what);
        }
      }
    }
  }

  /**
   * Every peer of the configuration the leader holds. (Ratis 3.1.3 sends the group's peers in its answer but
   * not the configuration with their roles: the voters are a static list, so every other peer is a listener.)
   */
  private Collection<RaftPeer> leaderConfiguration(RaftClient client) throws IOException {
    IOException last = null;
    for (RaftPeerId voter : voters) {
      try {
        GroupInfoReply info = client.getGroupManagementApi(voter).info(groupId);
        if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) return info.getGroup().getPeers();
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("no voter of the metadata group answered as its leader", last);
  }
}
