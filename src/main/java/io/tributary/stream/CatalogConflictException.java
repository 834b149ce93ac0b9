package io.tributary.stream;

/**
 * A catalog write refused because another writer's change was kept first: the catalog no longer holds the
 * version the write was based on. It carries what the catalog holds instead, so that the writer can catch
 * up and apply its changes again to that.
 */
public final class CatalogConflictException extends RuntimeException {
  private final StreamCatalog.Contents current;
  private final long version;

  public CatalogConflictException(StreamCatalog.Contents current, long version) {
    super("the stream catalog was changed by another writer first (now at version " + version + ")", null, false,
        false);
    this.current = current;
    this.version = version;
  }

  /** What the catalog holds now. */
  public StreamCatalog.Contents current() { return current; }

  /** The version of {@link #current}. */
  public long version() { return version; }
}
