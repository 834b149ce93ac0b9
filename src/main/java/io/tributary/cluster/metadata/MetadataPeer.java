package io.tributary.cluster.metadata;

/**
 * A member of the metadata group, voter or listener: its id, unique in the cluster, and where its Raft server
 * listens.
 */
public record MetadataPeer(String id, String host, int port) {

  public MetadataPeer {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a metadata peer needs an id");
    if (port <= 0 || port > 65535) throw new IllegalArgumentException("metadata peer " + id + ": bad port " + port);
  }

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}
