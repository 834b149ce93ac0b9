package io.tributary.stream;

import io.tributary.api.KinesisException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves channels through their states as AWS does: CREATING → ACTIVE, UPDATING → ACTIVE and DELETING →
 * gone, each after the matching stream delay ({@code stream.create.delay.ms}, {@code stream.update.delay.ms},
 * {@code stream.delete.delay.ms}), saving the catalog at every step. As for streams, with no delay the
 * returned future waits for the end state; otherwise it completes once the first state is saved.
 */
public final class ChannelLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelLifecycle.class);

  private final Vertx vertx;
  private final ChannelRegistry registry;
  private final StreamCatalog catalog;
  private final long createDelayMillis;
  private final long updateDelayMillis;
  private final long deleteDelayMillis;

  public ChannelLifecycle(Vertx vertx, ChannelRegistry registry, StreamCatalog catalog, long createDelayMillis,
      long updateDelayMillis, long deleteDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.catalog = catalog;
    this.createDelayMillis = createDelayMillis;
    this.updateDelayMillis = updateDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
  }

  /** Registers a new channel, which must be CREATING; yields it as registered. */
  public Future<ChannelDescriptor> create(ChannelDescriptor channel) {
    registry.add(channel);
    Future<Void> saved = catalog.save();
    Future<Void> active = saved.compose(v -> after(createDelayMillis)).compose(v -> activate(channel.arn()));
    active.onFailure(failure -> LOG.error("channel {} did not become ACTIVE", channel.arn(), failure));
    return (createDelayMillis <= 0 ? active : saved).map(channel);
  }

  /** Gives a channel new settings; it is UPDATING until the update delay has passed. Yields it UPDATING. */
  public Future<ChannelDescriptor> update(ChannelDescriptor channel, JsonObject settings) {
    ChannelDescriptor updating = registry.update(channel.arn(),
        current -> current.withSettings(settings).withStatus(ChannelStatus.UPDATING));
    if (updating == null) return Future.failedFuture(KinesisException.channelNotFound(channel.id(), channel.account()));
    Future<Void> saved = catalog.save();
    Future<Void> active = saved.compose(v -> after(updateDelayMillis)).compose(v -> activate(channel.arn()));
    active.onFailure(failure -> LOG.error("channel {} did not become ACTIVE again", channel.arn(), failure));
    return (updateDelayMillis <= 0 ? active : saved).map(updating);
  }

  /** Marks the channel DELETING; after the delay it is gone. */
  public Future<Void> delete(ChannelDescriptor channel) {
    registry.update(channel.arn(), current -> current.withStatus(ChannelStatus.DELETING));
    Future<Void> saved = catalog.save();
    Future<Void> gone = saved.compose(v -> after(deleteDelayMillis)).compose(v -> {
      registry.remove(channel.arn());
      return catalog.save();
    });
    gone.onFailure(failure -> LOG.error("channel {} was not fully deleted", channel.arn(), failure));
    return deleteDelayMillis <= 0 ? gone : saved;
  }

  /** Brings back the channels kept from an earlier run, finishing the changes they were in the middle of. */
  public Future<Void> restore(List<ChannelDescriptor> kept) {
    registry.restore(kept);
    boolean changed = false;
    for (ChannelDescriptor channel : kept) {
      if (channel.status() == ChannelStatus.DELETING) {
        registry.remove(channel.arn());
        changed = true;
      } else if (channel.status() == ChannelStatus.CREATING || channel.status() == ChannelStatus.UPDATING) {
        registry.update(channel.arn(), current -> current.withStatus(ChannelStatus.ACTIVE));
        changed = true;
      }
    }
    return changed ? catalog.save() : Future.succeededFuture();
  }

  private Future<Void> activate(String arn) {
    ChannelDescriptor updated = registry.update(arn, current ->
        current.status() == ChannelStatus.CREATING || current.status() == ChannelStatus.UPDATING
            ? current.withStatus(ChannelStatus.ACTIVE) : current);
    return updated == null ? Future.succeededFuture() : catalog.save();
  }

  private Future<Void> after(long delayMillis) {
    return delayMillis <= 0 ? Future.succeededFuture() : vertx.timer(delayMillis).mapEmpty();
  }
}
