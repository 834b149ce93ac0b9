package io.tributary.cluster.metadata;

/** A voter of the metadata group: its id, unique in the cluster, and where its Raft server listens. */
public record MetadataPeer(String id, String host, int port) {

  public MetadataPeer {
    if (id == null || id.isBlank()) throw new IllegalArgumentException("a metadata voter needs an id");
    if (port <= 0 || port > 65535) throw new IllegalArgumentException("metadata voter " + id + ": bad port " + port);
  }

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}
