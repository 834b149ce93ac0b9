package io.tributary.stream;

import io.vertx.core.Future;
import java.util.List;

/** Keeps the registry's streams across restarts. */
public interface StreamCatalog {

  /** The streams saved last, as they were. */
  Future<List<StreamDescriptor>> load();

  /**
   * Saves the registry as it is when the write starts; completes once a write that began after this
   * call is durable, so a caller that changed the registry first knows its change is kept.
   */
  Future<Void> save();

  /** For {@code storage=memory}: nothing is kept. */
  StreamCatalog NONE = new StreamCatalog() {
    @Override
    public Future<List<StreamDescriptor>> load() {
      return Future.succeededFuture(List.of());
    }

    @Override
    public Future<Void> save() {
      return Future.succeededFuture();
    }
  };
}
