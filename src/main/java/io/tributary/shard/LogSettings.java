package io.tributary.shard;

import io.tributary.config.Settings;
import io.tributary.log.LogConfig;
import java.nio.file.Path;

/**
 * The log settings beyond those of {@link FileShardStorage#logConfig}: the bound on what sealed segments
 * hold open ({@code log.open.segments.max}, {@code log.mapped.indexes.max}, one cache for the server), how
 * an offline log retries ({@code log.offline.retry.ms}, {@code log.offline.retry.max.ms}) and the
 * test-only disk-full injection
 * ({@code log.fault.injection.disk.full.file}, off when empty). Read once, at start: no client can turn
 * the injection on.
 */
public final class LogSettings {
  private LogSettings() { }

  public static LogConfig apply(Settings settings, LogConfig config) {
    LogConfig withRetry = config.withOfflineRetry(settings.longValue("log.offline.retry.ms"),
            settings.longValue("log.offline.retry.max.ms"))
        .withSealedFileLimits(settings.integer("log.open.segments.max"), settings.integer("log.mapped.indexes.max"));
    String diskFullFlag = settings.string("log.fault.injection.disk.full.file");
    return diskFullFlag.isEmpty() ? withRetry : withRetry.withDiskFullWhile(Path.of(diskFullFlag));
  }
}
