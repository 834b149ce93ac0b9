package io.tributary.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CloudWatch's Kinesis metrics on the Prometheus registry, per stream and, for the shard-level metrics a
 * stream has enhanced monitoring of, per shard (see the README's mapping table). The meters of a stream are
 * resolved once and kept in a {@link StreamMeters}, so recording a call costs a map look-up and a few
 * counter increments, never a tag look-up. {@link #sweep} removes the meters of streams, shards and
 * consumers that are gone, so the number of series stays bounded by what exists.
 */
public final class StreamMetrics {
  private final MeterRegistry meters;
  private final Map<StreamKey, StreamMeters> streams = new ConcurrentHashMap<>();

  public StreamMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  /** The meters of the stream; a stream deleted and made again under its name gets fresh ones. */
  public StreamMeters of(StreamDescriptor stream) {
    StreamMeters current = streams.get(stream.key());
    if (current != null && current.uid().equals(stream.uid())) return current;
    return streams.compute(stream.key(), (key, previous) -> {
      if (previous != null && previous.uid().equals(stream.uid())) return previous;
      if (previous != null) previous.remove();
      return new StreamMeters(meters, stream);
    });
  }

  /**
   * Removes the meters of every stream no longer in the registry (or made again since), and within the
   * others those of shards no longer listed, of consumers deregistered, and of shard-level metrics whose
   * enhanced monitoring was turned off.
   */
  public void sweep(StreamRegistry registry) {
    streams.forEach((key, kept) -> {
      StreamDescriptor now = registry.find(key);
      if (now == null || !now.uid().equals(kept.uid())) {
        if (streams.remove(key, kept)) kept.remove();
      } else {
        kept.keepOnly(now);
      }
    });
  }
}
