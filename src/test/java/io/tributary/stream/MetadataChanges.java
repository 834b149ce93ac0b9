package io.tributary.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Metadata changes as the lifecycles make them, for tests outside this package that drive a
 * {@link MetadataWriter} of their own: each runs the registry's own checks, so it is refused as the server
 * would refuse it, and each can be run again.
 */
public final class MetadataChanges {
  private MetadataChanges() { }

  /** Adds an ACTIVE stream with that many shards, refused as CreateStream is when the name is taken. */
  public static Supplier<StreamDescriptor> createStream(StreamRegistry registry, StreamKey key, String uid, int shards) {
    return () -> {
      List<ShardDescriptor> laidOut = new ArrayList<>();
      List<HashKeyRange> ranges = HashKeyRange.split(shards);
      for (int i = 0; i < shards; i++) laidOut.add(ShardDescriptor.open(i, ranges.get(i), null, null, 1_000));
      StreamDescriptor stream = StreamDescriptor.builder(key, uid).status(StreamStatus.ACTIVE).shards(laidOut)
          .tags(Map.of()).build();
      registry.add(stream);
      return stream;
    };
  }

  /** Tags a stream if that incarnation is still there; yields null otherwise. */
  public static Supplier<StreamDescriptor> tag(StreamRegistry registry, StreamKey key, String uid, Map<String, String> tags) {
    return () -> registry.update(key, uid, stream -> stream.toBuilder().putTags(tags).build());
  }

  /** Removes a stream if that incarnation is still there, as a finished DeleteStream does. */
  public static Supplier<Void> remove(StreamRegistry registry, StreamKey key, String uid) {
    return () -> {
      registry.remove(key, uid);
      return null;
    };
  }
}
