package io.tributary.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one writer of the control plane's metadata: streams with their shards, consumers and policies,
 * channels, account settings. A change is a function that edits the registries' staged snapshots and
 * yields its result. The writer applies changes one after another, makes their outcome durable in the
 * {@link StreamCatalog}, and only then publishes it to readers and completes the changes' futures: nothing
 * is seen, routed to or acknowledged that a crash or a failed write could take back.
 *
 * <p>Changes that arrive while a write is under way wait for it and are then applied together and kept by
 * one write (group commit). A change that throws leaves no trace and fails alone; a write that fails fails
 * every change it carried ({@link MetadataNotKeptException}) and they are discarded, so the registries are
 * as they were before them.
 */
public final class MetadataWriter {
  private record Pending<T>(Supplier<T> change, Promise<T> promise) {
    /** Applies the change to the staged snapshots; true when it went through. */
    boolean apply(StreamRegistry streams, ChannelRegistry channels, List<Runnable> onKept, List<Promise<?>> applied) {
      StreamRegistry.Mark streamsMark = streams.mark();
      var channelsMark = channels.mark();
      T result;
      try {
        result = change.get();
      } catch (RuntimeException refused) {
        streams.reset(streamsMark);
        channels.reset(channelsMark);
        promise.fail(refused);
        return false;
      }
      onKept.add(() -> promise.complete(result));
      applied.add(promise);
      return true;
    }
  }

  private final StreamRegistry streams;
  private final ChannelRegistry channels;
  private final StreamCatalog catalog;
  private List<Pending<?>> waiting = new ArrayList<>();
  private boolean writing;

  public MetadataWriter(StreamRegistry streams, ChannelRegistry channels, StreamCatalog catalog) {
    this.streams = streams;
    this.channels = channels;
    this.catalog = catalog;
  }

  /**
   * Applies a change, keeps it, then publishes it. The future fails with what the change threw (nothing
   * changed), or with {@link MetadataNotKeptException} when the catalog could not be written (nothing
   * changed either).
   */
  public <T> Future<T> commit(Supplier<T> change) {
    Promise<T> promise = Promise.promise();
    synchronized (this) {
      waiting.add(new Pending<>(change, promise));
      if (writing) return promise.future();
      writing = true;
    }
    writeNext();
    return promise.future();
  }

  private void writeNext() {
    List<Pending<?>> batch;
    synchronized (this) {
      batch = waiting;
      waiting = new ArrayList<>();
      if (batch.isEmpty()) {
        writing = false;
        return;
      }
    }
    List<Runnable> onKept = new ArrayList<>();
    List<Promise<?>> applied = new ArrayList<>();
    for (Pending<?> pending : batch) pending.apply(streams, channels, onKept, applied);
    if (applied.isEmpty()) {
      writeNext();
      return;
    }
    StreamCatalog.Contents contents = new StreamCatalog.Contents(streams.stagedStreams(), channels.stagedChannels(),
        streams.stagedAccountSettings());
    catalog.write(contents).onComplete(written -> {
      if (written.succeeded()) {
        streams.publish();
        channels.publish();
        onKept.forEach(Runnable::run);
      } else {
        streams.discard();
        channels.discard();
        MetadataNotKeptException failure = new MetadataNotKeptException(written.cause());
        for (Promise<?> promise : applied) promise.fail(failure);
      }
      writeNext();
    });
  }
}
