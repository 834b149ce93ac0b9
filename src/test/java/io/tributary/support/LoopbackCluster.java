package io.tributary.support;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Clustered Vert.x nodes in the test JVM whose event bus is the real one (each node listens on its own
 * 127.0.0.1 port and messages between nodes go through the codecs' wire forms over TCP), with membership
 * and consumer registrations kept in memory rather than in Hazelcast: enough to test what crosses nodes
 * without starting a Hazelcast member. It keeps no shared data (maps, locks, counters).
 */
public final class LoopbackCluster implements AutoCloseable {
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final Map<String, List<RegistrationInfo>> registrations = new ConcurrentHashMap<>();
  /** Membership changes and answers happen on this one thread, in order, as a cluster manager's own threads would. */
  private final ExecutorService events = Executors.newSingleThreadExecutor(r -> new Thread(r, "loopback-cluster"));
  private final List<Vertx> started = new ArrayList<>();

  /** Starts a node of this cluster; its event bus is on a free port of 127.0.0.1. */
  public Future<Vertx> startNode() {
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0));
    return Vertx.builder().with(options).withClusterManager(new Member()).buildClustered()
        .onSuccess(vertx -> {
          synchronized (started) {
            started.add(vertx);
          }
        });
  }

  @Override
  public void close() throws Exception {
    List<Vertx> nodes;
    synchronized (started) {
      nodes = new ArrayList<>(started);
    }
    for (Vertx node : nodes) node.close().await();
    events.shutdown();
  }

  private void announce(String address) {
    List<RegistrationInfo> current = List.copyOf(registrations.getOrDefault(address, List.of()));
    for (Member member : members.values()) {
      RegistrationListener listener = member.registrationListener;
      if (listener != null && listener.wantsUpdatesFor(address)) {
        listener.registrationsUpdated(new RegistrationUpdateEvent(address, current));
      }
    }
  }

  private final class Member implements ClusterManager {
    private final String nodeId = UUID.randomUUID().toString();
    private volatile NodeInfo nodeInfo;
    private volatile NodeListener nodeListener;
    private volatile RegistrationListener registrationListener;
    private volatile boolean active;

    @Override
    public void init(Vertx vertx) { }

    @Override
    public String getNodeId() {
      return nodeId;
    }

    @Override
    public List<String> getNodes() {
      return new ArrayList<>(members.keySet());
    }

    @Override
    public void nodeListener(NodeListener listener) {
      this.nodeListener = listener;
    }

    @Override
    public void registrationListener(RegistrationListener listener) {
      this.registrationListener = listener;
    }

    @Override
    public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> done) {
      this.nodeInfo = nodeInfo;
      events.execute(done::succeed);
    }

    @Override
    public NodeInfo getNodeInfo() {
      return nodeInfo;
    }

    @Override
    public void getNodeInfo(String nodeId, Completable<NodeInfo> done) {
      events.execute(() -> {
        Member member = members.get(nodeId);
        if (member == null) done.fail("no node " + nodeId); else done.succeed(member.nodeInfo);
      });
    }

    @Override
    public void join(Completable<Void> done) {
      events.execute(() -> {
        active = true;
        for (Member other : members.values()) {
          if (other.nodeListener != null) other.nodeListener.nodeAdded(nodeId);
        }
        members.put(nodeId, this);
        done.succeed();
      });
    }

    @Override
    public void leave(Completable<Void> done) {
      events.execute(() -> {
        active = false;
        members.remove(nodeId);
        for (Map.Entry<String, List<RegistrationInfo>> entry : registrations.entrySet()) {
          if (entry.getValue().removeIf(info -> info.nodeId().equals(nodeId))) announce(entry.getKey());
        }
        for (Member other : members.values()) {
          if (other.nodeListener != null) other.nodeListener.nodeLeft(nodeId);
        }
        done.succeed();
      });
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void addRegistration(String address, RegistrationInfo info, Completable<Void> done) {
      events.execute(() -> {
        registrations.computeIfAbsent(address, a -> new ArrayList<>()).add(info);
        announce(address);
        done.succeed();
      });
    }

    @Override
    public void removeRegistration(String address, RegistrationInfo info, Completable<Void> done) {
      events.execute(() -> {
        List<RegistrationInfo> infos = registrations.get(address);
        if (infos != null && infos.remove(info)) announce(address);
        done.succeed();
      });
    }

    @Override
    public void getRegistrations(String address, Completable<List<RegistrationInfo>> done) {
      events.execute(() -> done.succeed(List.copyOf(registrations.getOrDefault(address, List.of()))));
    }

    @Override
    public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> done) {
      done.fail("a loopback cluster keeps no shared data");
    }

    @Override
    public <K, V> Map<K, V> getSyncMap(String name) {
      throw new UnsupportedOperationException("a loopback cluster keeps no shared data");
    }

    @Override
    public void getLockWithTimeout(String name, long timeout, Completable<Lock> done) {
      done.fail("a loopback cluster keeps no shared data");
    }

    @Override
    public void getCounter(String name, Completable<Counter> done) {
      done.fail("a loopback cluster keeps no shared data");
    }
  }
}
