package io.tributary.stream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Small named JSON documents a cluster keeps with its catalog, the same on every node and through the loss of
 * a minority of voters (the Kafka mirrors' definitions and paused flags). A write replaces one document
 * whole, or removes it; the last write of a name wins.
 */
public interface SharedDocuments {

  /** Every document this node has applied, by name. */
  Map<String, JsonObject> current();

  /**
   * Writes the document (null removes it); completes on the caller's context once the cluster kept the write
   * and this node applied it, so that {@link #current()} holds it.
   */
  Future<Void> put(String name, JsonObject document);

  /**
   * From now on, every change of the documents, whoever wrote it, is told to the listener with all of them as
   * they are then, on the given context, in order.
   */
  void follow(Context context, Consumer<Map<String, JsonObject>> listener);
}
