package io.tributary.stream;

import io.vertx.core.Future;
import java.util.List;

/** Keeps the registries' streams and channels, and the account settings, across restarts. */
public interface StreamCatalog {

  /** What a catalog holds. */
  record Contents(List<StreamDescriptor> streams, List<ChannelDescriptor> channels, List<AccountSettings> accounts) {
    public static final Contents EMPTY = new Contents(List.of(), List.of(), List.of());
  }

  /** The streams, channels and account settings saved last, as they were. */
  Future<Contents> load();

  /**
   * Saves the registries as they are when the write starts; completes once a write that began after this
   * call is durable, so a caller that changed a registry first knows its change is kept.
   */
  Future<Void> save();

  /** For {@code storage=memory}: nothing is kept. */
  StreamCatalog NONE = new StreamCatalog() {
    @Override
    public Future<Contents> load() {
      return Future.succeededFuture(Contents.EMPTY);
    }

    @Override
    public Future<Void> save() {
      return Future.succeededFuture();
    }
  };
}
