package io.tributary.log;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Append throughput under fsync=never and always, two rounds each, alternating (appends of 500 records of
 * 100 bytes, up to 32 in flight, from one event-loop context as a shard calls), then recovery time of a
 * 1 GiB log, and a full read of it with the heap used and resident size after each. Not a test:
 * run with {@code java -cp target/classes:target/test-classes:<dependencies> io.tributary.log.LogBenchmark [dir]}.
 */
public final class LogBenchmark {
  private static final int RECORDS_PER_APPEND = 500;
  private static final int RECORD_BYTES = 100;
  private static final int IN_FLIGHT = 32;
  private static final long GIB = 1L << 30;

  private final Vertx vertx = Vertx.vertx();
  private final List<ShardLog.Entry> template = new ArrayList<>();

  private LogBenchmark() {
    Random random = new Random(1);
    for (int i = 0; i < RECORDS_PER_APPEND; i++) {
      byte[] data = new byte[RECORD_BYTES];
      random.nextBytes(data);
      template.add(new ShardLog.Entry(0, "partition-key-" + i, data));
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")),
        "log-benchmark");
    LogBenchmark benchmark = new LogBenchmark();
    try {
      for (int round = 1; round <= 2; round++) {
        benchmark.appendThroughput(root.resolve("never-" + round), "never", 4_000);
        benchmark.appendThroughput(root.resolve("always-" + round), "always", 4_000);
      }
      benchmark.recovery(root.resolve("recovery"));
    } finally {
      benchmark.vertx.close().await();
      deleteTree(root);
    }
  }

  private void appendThroughput(Path dir, String fsync, int appends) throws Exception {
    FileShardLog log = FileShardLog.open(vertx, dir, LogConfig.defaults().withFsync(FsyncPolicy.parse(fsync)),
        Clock.systemUTC()).await();
    appendFromOneContext(log, appends / 10); // warm-up
    long fsyncsBefore = log.fsyncCount();
    long started = System.nanoTime();
    appendFromOneContext(log, appends);
    double seconds = (System.nanoTime() - started) / 1e9;
    long records = (long) appends * RECORDS_PER_APPEND;
    long fsyncs = log.fsyncCount() - fsyncsBefore;
    log.close().await();
    System.out.printf("fsync=%-6s %,d appends x %d records of %d B in %.2f s: %,.0f appends/s, %,.0f records/s, "
            + "%.1f MiB/s of data, %,d fsyncs (%.1f appends per fsync)%n", fsync, appends, RECORDS_PER_APPEND,
        RECORD_BYTES, seconds, appends / seconds, records / seconds, records * RECORD_BYTES / seconds / (1 << 20),
        fsyncs, fsyncs == 0 ? 0.0 : (double) appends / fsyncs);
  }

  /** Runs {@code appends} appends from one context, keeping {@link #IN_FLIGHT} outstanding. */
  private void appendFromOneContext(FileShardLog log, int appends) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    AtomicLong started = new AtomicLong();
    AtomicLong completed = new AtomicLong();
    context.runOnContext(v -> {
      for (int i = 0; i < IN_FLIGHT; i++) appendNext(log, appends, started, completed, done);
    });
    done.future().await();
  }

  private void appendNext(FileShardLog log, int appends, AtomicLong started, AtomicLong completed, Promise<Void> done) {
    if (started.get() >= appends) return;
    started.incrementAndGet();
    log.append(entriesNow()).onComplete(result -> {
      if (result.failed()) {
        done.tryFail(result.cause());
        return;
      }
      if (completed.incrementAndGet() == appends) done.tryComplete();
      appendNext(log, appends, started, completed, done);
    });
  }

  private List<ShardLog.Entry> entriesNow() {
    long now = System.currentTimeMillis();
    List<ShardLog.Entry> entries = new ArrayList<>(template.size());
    for (ShardLog.Entry entry : template) entries.add(new ShardLog.Entry(now, entry.partitionKey(), entry.data()));
    return entries;
  }

  /** Writes a bit over 1 GiB (8 full segments and an active one of over 120 MiB), then times reopening it. */
  private void recovery(Path dir) throws Exception {
    LogConfig config = LogConfig.defaults().withFsync(new FsyncPolicy.Never());
    FileShardLog log = FileShardLog.open(vertx, dir, config, Clock.systemUTC()).await();
    long started = System.nanoTime();
    while (totalBytes(dir) < GIB || lastSegmentBytes(dir) < 120L << 20) appendFromOneContext(log, 200);
    double writeSeconds = (System.nanoTime() - started) / 1e9;
    long end = log.endOffset();
    log.close().await();
    System.out.printf("wrote %,d records, %.2f GiB in %d segments (active %d MiB) in %.1f s; RSS %d MiB, heap used %d MiB%n",
        end, totalBytes(dir) / (double) GIB, SegmentFiles.baseOffsets(dir).size(), lastSegmentBytes(dir) >> 20,
        writeSeconds, rssMiB(), usedHeapMiB());

    timeOpen(dir, config, "recovery of the 1 GiB log (active segment scanned, sealed ones checked), warm cache");
    if (evictFromPageCache(dir)) {
      timeOpen(dir, config, "recovery of the 1 GiB log, cold cache (files evicted with posix_fadvise)");
    }
    for (long base : SegmentFiles.baseOffsets(dir)) {
      Files.delete(SegmentFiles.index(dir, base));
      Files.delete(SegmentFiles.timeIndex(dir, base));
    }
    timeOpen(dir, config, "recovery with every index file deleted (all segments scanned)");

    log = FileShardLog.open(vertx, dir, config, Clock.systemUTC()).await();
    started = System.nanoTime();
    long offset = 0;
    long records = 0;
    while (offset < log.endOffset()) {
      ShardLog.Page page = log.read(offset, 10_000, 10L << 20).await();
      records += page.records().size();
      offset = page.nextOffset();
    }
    double readSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("read all %,d records back in %.1f s (%,.0f records/s); RSS %d MiB, heap used %d MiB%n",
        records, readSeconds, records / readSeconds, rssMiB(), usedHeapMiB());
    log.close().await();
  }

  private void timeOpen(Path dir, LogConfig config, String what) {
    long started = System.nanoTime();
    FileShardLog log = FileShardLog.open(vertx, dir, config, Clock.systemUTC()).await();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("%s: %.3f s, end offset %,d%n", what, seconds, log.endOffset());
    log.close().await();
  }

  /** Drops the directory's files from the page cache ({@code dd iflag=nocache}); false when that is not possible. */
  private static boolean evictFromPageCache(Path dir) throws IOException, InterruptedException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Process dd = new ProcessBuilder("dd", "if=" + file, "iflag=nocache", "count=0", "status=none")
            .redirectErrorStream(true).start();
        if (dd.waitFor() != 0) return false;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static long totalBytes(Path dir) throws IOException {
    long total = 0;
    for (long base : SegmentFiles.baseOffsets(dir)) total += Files.size(SegmentFiles.log(dir, base));
    return total;
  }

  private static long lastSegmentBytes(Path dir) throws IOException {
    List<Long> bases = SegmentFiles.baseOffsets(dir);
    return Files.size(SegmentFiles.log(dir, bases.get(bases.size() - 1)));
  }

  private static long rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
    }
    return -1;
  }

  private static long usedHeapMiB() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(file);
    }
  }
}
