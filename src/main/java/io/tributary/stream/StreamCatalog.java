package io.tributary.stream;

import io.vertx.core.Future;
import java.util.List;

/**
 * Keeps the registries' streams and channels, and the account settings, across restarts. Written only by
 * the {@link MetadataWriter}, one write at a time.
 */
public interface StreamCatalog {

  /** What a catalog holds. */
  record Contents(List<StreamDescriptor> streams, List<ChannelDescriptor> channels, List<AccountSettings> accounts) {
    public static final Contents EMPTY = new Contents(List.of(), List.of(), List.of());
  }

  /** The streams, channels and account settings saved last, as they were. */
  Future<Contents> load();

  /** Replaces what the catalog holds with these contents; completes once they are durable. */
  Future<Void> write(Contents contents);

  /**
   * Replaces what the catalog holds with these contents if it still holds version {@code baseVersion} (the
   * number of writes the {@link MetadataWriter} has seen kept); completes once they are durable. A catalog
   * shared by several writers fails with {@link CatalogConflictException} when another writer's change came
   * first; a catalog with one writer has nothing to compare and ignores the version.
   */
  default Future<Void> write(Contents contents, long baseVersion) {
    return write(contents);
  }

  /** For {@code storage=memory}: nothing is kept. */
  StreamCatalog NONE = new StreamCatalog() {
    @Override
    public Future<Contents> load() {
      return Future.succeededFuture(Contents.EMPTY);
    }

    @Override
    public Future<Void> write(Contents contents) {
      return Future.succeededFuture();
    }
  };
}
