package io.tributary.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the machine's CPU went during a measured window, in cores: the server process (when its pid is
 * known; the sum of them when the server is several processes, as a cluster on one machine), this client
 * process, and everything else. Client and server share the machine, so a run is
 * only comparable with another when "other" is near zero. Linux only; elsewhere it reports nothing.
 */
final class CpuUsage {
  /** USER_HZ: the unit of /proc/[pid]/stat times; 100 on every mainstream Linux build. */
  private static final double TICKS_PER_SECOND = 100.0;

  record Snapshot(long nanos, long machineTotal, long machineIdle, long serverTicks, long clientNanos) { }

  /** Busy cores over a window; negative values mean "unknown". */
  record Usage(double server, double client, double other, double machine) {
    static final Usage UNKNOWN = new Usage(-1, -1, -1, -1);
  }

  private final long[] serverPids;
  private final OperatingSystemMXBean os;

  CpuUsage(long serverPid) {
    this(new long[] {serverPid});
  }

  /** @param serverPids the server's processes, counted together; 0 entries are ignored */
  CpuUsage(long[] serverPids) {
    this.serverPids = serverPids.clone();
    this.os = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean bean ? bean : null;
  }

  Snapshot take() {
    long total = -1;
    long idle = -1;
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      total = 0;
      for (int i = 1; i <= 8 && i < cpu.length; i++) total += Long.parseLong(cpu[i]);
      idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    long server = -1;
    for (long serverPid : serverPids) {
      if (serverPid <= 0) continue;
      try {
        String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // utime, stime (fields 14, 15)
        server = Math.max(server, 0) + Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      } catch (IOException | RuntimeException e) {
        server = -1; // one gone (or not Linux): the sum would mislead
        break;
      }
    }
    long client = os == null ? -1 : os.getProcessCpuTime();
    return new Snapshot(System.nanoTime(), total, idle, server, client);
  }

  static Usage between(Snapshot from, Snapshot to) {
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    if (seconds <= 0 || from.machineTotal() < 0 || to.machineTotal() <= from.machineTotal()) return Usage.UNKNOWN;
    int cores = Runtime.getRuntime().availableProcessors();
    long total = to.machineTotal() - from.machineTotal();
    double machine = cores * (double) (total - (to.machineIdle() - from.machineIdle())) / total;
    double server = from.serverTicks() < 0 || to.serverTicks() < 0 ? -1
        : (to.serverTicks() - from.serverTicks()) / TICKS_PER_SECOND / seconds;
    double client = from.clientNanos() < 0 ? -1 : (to.clientNanos() - from.clientNanos()) / 1e9 / seconds;
    double other = server < 0 || client < 0 ? -1 : Math.max(0, machine - server - client);
    return new Usage(server, client, other, machine);
  }
}
