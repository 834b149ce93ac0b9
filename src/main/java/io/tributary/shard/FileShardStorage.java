package io.tributary.shard;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.Settings;
import io.tributary.log.FileShardLog;
import io.tributary.log.FsyncPolicy;
import io.tributary.log.LogConfig;
import io.tributary.log.ShardLog;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code storage=file}: each shard's log in {@code <data dir>/shards/<stream uid>/<shard id>/}, as segment
 * files with their indexes (see {@link FileShardLog}). Logs the catalog does not list are moved to
 * {@code <data dir>/unlisted/<stream uid>/<shard id>.<epoch ms>/} at start, for an operator to inspect;
 * copies from another node never installed ({@code <shard id>.incoming}, {@link ShardLogCopy}) are deleted.
 */
public final class FileShardStorage implements ShardStorage {
  private static final Logger LOG = LoggerFactory.getLogger(FileShardStorage.class);
  private final Vertx vertx;
  /** Where deletions and setting logs aside run: control-plane work, off the log writers' pool. */
  private final WorkerExecutor maintenance;
  private final Path root;
  private final LogConfig config;
  private final Clock clock;
  private final StorageMeters meters;

  /** Storage whose fsync latency, bytes and segments per stream are meters on the registry. */
  public FileShardStorage(Vertx vertx, WorkerExecutor maintenance, Path root, LogConfig config, Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.maintenance = maintenance;
    this.root = root;
    this.meters = new StorageMeters(registry);
    this.config = config.withFsyncTimer(meters.fsyncTimer());
    this.clock = clock;
  }

  /**
   * The log settings of a server: fsync policy, segment size, retention check interval, the bound on what
   * sealed segments hold open ({@code log.open.segments.max}, {@code log.mapped.indexes.max}, one cache for
   * the server), how an offline log retries ({@code log.offline.retry.ms}, {@code log.offline.retry.max.ms})
   * and the test-only disk-full injection ({@code log.fault.injection.disk.full.file}, off when empty). Read
   * once, at start: no client can turn the injection on.
   */
  public static LogConfig logConfig(Settings settings) {
    LogConfig config = LogConfig.defaults()
        .withFsync(FsyncPolicy.parse(settings.string("fsync")))
        .withSegmentBytes(settings.integer("log.segment.bytes"))
        .withRetention(LogConfig.defaults().retentionMillis(), settings.longValue("log.retention.check.ms"))
        .withOfflineRetry(settings.longValue("log.offline.retry.ms"), settings.longValue("log.offline.retry.max.ms"))
        .withSealedFileLimits(settings.integer("log.open.segments.max"), settings.integer("log.mapped.indexes.max"));
    String diskFullFlag = settings.string("log.fault.injection.disk.full.file");
    return diskFullFlag.isEmpty() ? config : config.withDiskFullWhile(Path.of(diskFullFlag));
  }

  @Override
  public Future<ShardLog> open(StreamDescriptor stream, ShardDescriptor shard) {
    LogConfig shardConfig = config.withRetention(stream.retentionHours() * 3_600_000L, config.retentionCheckIntervalMillis());
    return FileShardLog.open(vertx, directory(stream.uid(), shard.shardId()), shardConfig, clock)
        .map(log -> {
          meters.opened(stream, shard.shardId(), log);
          return log;
        });
  }

  /**
   * Opens a shard's log that this node's catalog does not list yet, with the default retention: a replicated
   * cluster's entries for a new stream may reach a node before its catalog does.
   */
  public Future<ShardLog> openUnlisted(String streamUid, String shardId) {
    return FileShardLog.open(vertx, directory(streamUid, shardId), config, clock).map(log -> log);
  }

  /** Where a shard's log lives. */
  public Path directory(String streamUid, String shardId) {
    return root.resolve(streamUid).resolve(shardId);
  }

  @Override
  public Future<Void> deleteStream(String streamUid) {
    meters.streamDeleted(streamUid);
    return deleteTree(root.resolve(streamUid));
  }

  @Override
  public Future<Void> deleteShard(String streamUid, String shardId) {
    meters.shardDeleted(streamUid, shardId);
    return deleteTree(root.resolve(streamUid).resolve(shardId));
  }

  @Override
  public Future<Void> setAsideUnlisted(Map<String, Set<String>> listed) {
    return maintenance.executeBlocking(() -> {
      if (!Files.isDirectory(root)) return null;
      Path aside = root.resolveSibling("unlisted");
      try (Stream<Path> streams = Files.list(root)) {
        for (Path streamDirectory : streams.toList()) {
          String uid = streamDirectory.getFileName().toString();
          Set<String> shards = listed.get(uid);
          if (shards == null) {
            setAside(streamDirectory, aside.resolve(uid + "." + clock.millis()), "stream " + uid);
            continue;
          }
          try (Stream<Path> shardDirectories = Files.list(streamDirectory)) {
            for (Path shardDirectory : shardDirectories.toList()) {
              String shardId = shardDirectory.getFileName().toString();
              if (ShardDirectories.isIncoming(shardDirectory)) {
                // A copy from another node cut short by a crash: the move it was for starts over.
                ShardDirectories.deleteTree(shardDirectory);
                LOG.warn("deleted {}, a copy of a shard log that was never installed", shardDirectory);
              } else if (!shards.contains(shardId)) {
                setAside(shardDirectory, aside.resolve(uid).resolve(shardId + "." + clock.millis()),
                    "shard " + shardId + " of stream " + uid);
              }
            }
          }
        }
      }
      return null;
    }, false);
  }

  private static void setAside(Path from, Path to, String what) throws IOException {
    Files.createDirectories(to.getParent());
    Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(to.getParent());
    syncDirectory(from.getParent());
    LOG.warn("the catalog does not list the log of {}; moved it aside to {}", what, to);
  }

  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private Future<Void> deleteTree(Path directory) {
    return maintenance.executeBlocking(() -> {
      if (!Files.exists(directory)) return null;
      try (Stream<Path> paths = Files.walk(directory)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
      } catch (IOException e) {
        throw new IOException("cannot delete " + directory, e);
      }
      return null;
    }, false);
  }
}
