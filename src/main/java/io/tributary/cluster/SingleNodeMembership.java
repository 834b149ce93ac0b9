package io.tributary.cluster;

import io.tributary.config.Settings;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;

/** The membership of a node that runs alone: itself, up, with a node id of its own made at start. */
public final class SingleNodeMembership implements ClusterMembership {
  private final ClusterMember self;

  public SingleNodeMembership(Settings settings) {
    String advertised = settings.string("cluster.advertised.host");
    NodePorts ports = NodePorts.of(settings);
    this.self = new ClusterMember(UUID.randomUUID().toString(),
        advertised.isEmpty() ? settings.string("cluster.host") : advertised, null, ports.apiPort(),
        ports.managementPort(), ClusterMember.State.UP);
  }

  @Override
  public boolean enabled() {
    return false;
  }

  @Override
  public String nodeId() {
    return self.node();
  }

  @Override
  public Future<List<ClusterMember>> members() {
    return Future.succeededFuture(List.of(self));
  }

  @Override
  public boolean isLive(String name) {
    return true;
  }

  @Override
  public void addListener(MembershipListener listener) {
    // Nothing joins or leaves a node that runs alone.
  }
}
