package io.tributary.bench;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis settings {@link RaftGroupsBenchmark} compares, each a step on from the one before. Every profile
 * shares gRPC on 127.0.0.1, a storage directory, 1 MiB log segments and a snapshot every 10,000 entries
 * with the log purged up to it.
 */
enum RaftGroupsProfile {
  /** Ratis 3.1.3's defaults for everything else. */
  DEFAULTS("Ratis defaults: 8 MiB direct write buffer and 4 MiB appender batch per group, segment preallocation"
      + " up to 4 MiB, election timeout 150-300 ms (a heartbeat every 75 ms per follower), per-group server and"
      + " client executors cached without a bound"),
  /** Per-group buffers sized for small entries. */
  SMALL_BUFFERS("defaults, with per-group buffers small: write buffer 64 KiB, appender batch 32 KiB,"
      + " preallocation 16 KiB, 2 cached segments"),
  /** Fewer heartbeats: they go out every timeout.min / 2 per follower of every group. */
  SLOW_HEARTBEATS("small-buffers, with election timeout 1-2 s (a heartbeat every 500 ms per follower)"),
  /** Per-group executors bounded to one thread that ends when idle. */
  BOUNDED("slow-heartbeats, with each group's server and client executors at most 1 thread (cached, so it ends"
      + " after 60 s idle)");

  final String description;

  RaftGroupsProfile(String description) {
    this.description = description;
  }

  /** The name used on the command line and in the report: lower case, dashes. */
  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static RaftGroupsProfile of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  RaftProperties properties(String host, int port, File storage) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(properties, host);
    GrpcConfigKeys.Server.setPort(properties, port);
    RaftServerConfigKeys.setStorageDir(properties, List.of(storage));
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("1MB"));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, 10_000);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    if (ordinal() >= SMALL_BUFFERS.ordinal()) {
      // The write buffer must hold the appender's batch + 8 bytes (SegmentedRaftLogWorker refuses to start).
      RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf("64KB"));
      RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, SizeInBytes.valueOf("32KB"));
      RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("16KB"));
      RaftServerConfigKeys.Log.setSegmentCacheNumMax(properties, 2);
    }
    if (ordinal() >= SLOW_HEARTBEATS.ordinal()) {
      RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1, TimeUnit.SECONDS));
      RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    }
    if (ordinal() >= BOUNDED.ordinal()) {
      RaftServerConfigKeys.ThreadPool.setServerCached(properties, true);
      RaftServerConfigKeys.ThreadPool.setServerSize(properties, 1);
      RaftServerConfigKeys.ThreadPool.setClientCached(properties, true);
      RaftServerConfigKeys.ThreadPool.setClientSize(properties, 1);
    }
    return properties;
  }
}
