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
 *
 * <p>When several nodes' writers share one catalog, each write names the version it was based on (the
 * number of writes kept before it). A write refused because another writer's change came first
 * ({@link CatalogConflictException}) is not a failure: its changes are discarded, the registries take what
 * the catalog holds now, and the same changes are applied again to that, so that each is checked against
 * everything kept before it. Contents another node kept reach this node through {@link #install}, between
 * this writer's own writes.
 */
public final class MetadataWriter {
  private static final class Pending<T> {
    private final Supplier<T> change;
    private final Promise<T> promise;
    private T result;

    Pending(Supplier<T> change, Promise<T> promise) {
      this.change = change;
      this.promise = promise;
    }

    /** Applies the change to the staged snapshots; true when it went through. */
    boolean apply(StreamRegistry streams, ChannelRegistry channels) {
      StreamRegistry.Mark streamsMark = streams.mark();
      var channelsMark = channels.mark();
      try {
        result = change.get();
        return true;
      } catch (RuntimeException refused) {
        streams.reset(streamsMark);
        channels.reset(channelsMark);
        promise.fail(refused);
        return false;
      }
    }

    void kept() {
      promise.complete(result);
    }

    void notKept(Throwable failure) {
      promise.fail(failure);
    }
  }

  /** Contents kept by another writer, and their version. */
  private record Install(StreamCatalog.Contents contents, long version) { }

  private final StreamRegistry streams;
  private final ChannelRegistry channels;
  private final StreamCatalog catalog;
  private List<Pending<?>> waiting = new ArrayList<>();
  private Install install;
  private boolean writing;
  private volatile long version;

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

  /**
   * Makes contents that another writer kept as {@code version} what the registries hold and readers see,
   * once the write under way (if any) is done and before the changes waiting for the next one are applied.
   * Contents of a version this writer has already seen are ignored.
   */
  public void install(StreamCatalog.Contents contents, long version) {
    synchronized (this) {
      if (install == null || version > install.version()) install = new Install(contents, version);
      if (writing) return;
      writing = true;
    }
    writeNext();
  }

  /** The version of what the registries publish: the number of catalog writes kept before it. */
  public long version() {
    return version;
  }

  private void writeNext() {
    List<Pending<?>> batch;
    Install installing;
    synchronized (this) {
      installing = install;
      install = null;
      batch = waiting;
      waiting = new ArrayList<>();
      if (installing == null && batch.isEmpty()) {
        writing = false;
        return;
      }
    }
    if (installing != null && installing.version() > version) {
      StreamCatalog.Contents contents = installing.contents();
      streams.replace(contents.streams(), contents.accounts());
      channels.replace(contents.channels());
      version = installing.version();
    }
    List<Pending<?>> applied = new ArrayList<>();
    for (Pending<?> pending : batch) if (pending.apply(streams, channels)) applied.add(pending);
    if (applied.isEmpty()) {
      writeNext();
      return;
    }
    StreamCatalog.Contents contents = new StreamCatalog.Contents(streams.stagedStreams(), channels.stagedChannels(),
        streams.stagedAccountSettings());
    long base = version;
    catalog.write(contents, base).onComplete(written -> {
      if (written.succeeded()) {
        version = base + 1;
        streams.publish();
        channels.publish();
        applied.forEach(Pending::kept);
      } else if (written.cause() instanceof CatalogConflictException conflict && conflict.version() > base) {
        streams.discard();
        channels.discard();
        synchronized (this) {
          if (install == null || conflict.version() > install.version()) {
            install = new Install(conflict.current(), conflict.version());
          }
          List<Pending<?>> again = new ArrayList<>(applied);
          again.addAll(waiting);
          waiting = again;
        }
      } else {
        streams.discard();
        channels.discard();
        MetadataNotKeptException failure = new MetadataNotKeptException(written.cause());
        for (Pending<?> pending : applied) pending.notKept(failure);
      }
      writeNext();
    });
  }
}
