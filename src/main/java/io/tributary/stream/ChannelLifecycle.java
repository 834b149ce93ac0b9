package io.tributary.stream;

import io.tributary.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Moves channels through their states as AWS does: CREATING → ACTIVE, UPDATING → ACTIVE and DELETING →
 * gone, each after the matching stream delay ({@code stream.create.delay.ms}, {@code stream.update.delay.ms},
 * {@code stream.delete.delay.ms}), keeping each step in the catalog ({@link MetadataWriter}) before it is
 * seen; the steps that end CREATING, UPDATING and DELETING are retried until kept ({@link RetriedSteps}).
 * As for streams, with no delay the returned future waits for the end state; otherwise it completes once
 * the first state is kept.
 */
public final class ChannelLifecycle {
  private final Vertx vertx;
  private final ChannelRegistry registry;
  private final MetadataWriter metadata;
  private final RetriedSteps steps;
  private final long createDelayMillis;
  private final long updateDelayMillis;
  private final long deleteDelayMillis;

  public ChannelLifecycle(Vertx vertx, ChannelRegistry registry, MetadataWriter metadata, long createDelayMillis,
      long updateDelayMillis, long deleteDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.metadata = metadata;
    this.steps = new RetriedSteps(vertx);
    this.createDelayMillis = createDelayMillis;
    this.updateDelayMillis = updateDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
  }

  /** Registers a new channel, which must be CREATING; yields it as registered. */
  public Future<ChannelDescriptor> create(ChannelDescriptor channel) {
    Future<Void> kept = metadata.commit(() -> {
      registry.add(channel);
      return null;
    });
    Future<Void> active = kept.compose(v -> after(createDelayMillis)).compose(v -> activate(channel.arn()));
    return (createDelayMillis <= 0 ? active : kept).map(channel);
  }

  /** Gives a channel new settings; it is UPDATING until the update delay has passed. Yields it UPDATING. */
  public Future<ChannelDescriptor> update(ChannelDescriptor channel, JsonObject settings) {
    Future<ChannelDescriptor> kept = metadata.commit(() -> registry.update(channel.arn(),
            current -> current.withSettings(settings).withStatus(ChannelStatus.UPDATING)))
        .compose(updating -> updating != null ? Future.succeededFuture(updating)
            : Future.failedFuture(DomainException.channelNotFound(channel.id(), channel.account())));
    Future<Void> active = kept.compose(v -> after(updateDelayMillis)).compose(v -> activate(channel.arn()));
    return updateDelayMillis <= 0 ? active.compose(v -> kept) : kept;
  }

  /** Marks the channel DELETING; after the delay it is gone. */
  public Future<Void> delete(ChannelDescriptor channel) {
    Future<Void> kept = metadata.commit(() -> registry.update(channel.arn(),
        current -> current.withStatus(ChannelStatus.DELETING))).mapEmpty();
    Future<Void> gone = kept.compose(v -> after(deleteDelayMillis)).compose(v -> steps.run("deletion of channel "
        + channel.arn(), () -> metadata.commit(() -> {
          registry.remove(channel.arn());
          return null;
        })));
    return deleteDelayMillis <= 0 ? gone : kept;
  }

  /** Brings back the channels kept from an earlier run, finishing the changes they were in the middle of. */
  public Future<Void> restore(List<ChannelDescriptor> kept) {
    registry.restore(kept);
    List<ChannelDescriptor> unfinished = kept.stream().filter(channel -> channel.status() != ChannelStatus.ACTIVE).toList();
    if (unfinished.isEmpty()) return Future.succeededFuture();
    return steps.run("restart of channels", () -> metadata.commit(() -> {
      for (ChannelDescriptor channel : unfinished) {
        if (channel.status() == ChannelStatus.DELETING) {
          registry.remove(channel.arn());
        } else if (channel.status() == ChannelStatus.CREATING || channel.status() == ChannelStatus.UPDATING) {
          registry.update(channel.arn(), current -> current.withStatus(ChannelStatus.ACTIVE));
        }
      }
      return null;
    }));
  }

  private Future<Void> activate(String arn) {
    return steps.run("activation of channel " + arn, () -> metadata.commit(() -> registry.update(arn, current ->
        current.status() == ChannelStatus.CREATING || current.status() == ChannelStatus.UPDATING
            ? current.withStatus(ChannelStatus.ACTIVE) : current)).mapEmpty());
  }

  private Future<Void> after(long delayMillis) {
    return delayMillis <= 0 ? Future.succeededFuture() : vertx.timer(delayMillis).mapEmpty();
  }
}
