package io.tributary.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** What the benchmark mains share: their command line, facts about the machine, report rows. */
final class BenchSupport {

  private BenchSupport() { }

  /** {@code --name value} or {@code --name=value} pairs from {@code args[from]} on. */
  static Map<String, String> options(String[] args, int from) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = from; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + arg);
      int equals = arg.indexOf('=');
      if (equals > 0) {
        options.put(arg.substring(2, equals), arg.substring(equals + 1));
      } else {
        if (i + 1 >= args.length) throw new IllegalArgumentException("no value for " + arg);
        options.put(arg.substring(2), args[++i]);
      }
    }
    return options;
  }

  /** An option's value, trimmed, or the fallback when it is absent or blank. */
  static String option(Map<String, String> options, String name, String fallback) {
    String value = options.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /**
   * Runs a benchmark's main and exits with its status, 1 when it throws: under exec:java it runs in Maven's JVM,
   * which it leaves promptly rather than wait for stray threads.
   */
  static void exitWith(Callable<Integer> main) {
    int status;
    try {
      status = main.call();
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  /** The rows every report's machine table starts with: the date, the cores, the CPU model and the memory. */
  /**
   * A report's "Machine" section: the machine's rows, the OS, the client's Java, and the servers' when the
   * script told them (empty: no row).
   */
  static void machineSection(StringBuilder md, String serverInfo) {
    md.append("## Machine\n\n| fact | value |\n| --- | --- |\n");
    machineRows(md);
    row(md, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    row(md, "java (client)", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    if (!serverInfo.isEmpty()) row(md, "servers", serverInfo);
    md.append('\n');
  }

  static void machineRows(StringBuilder md) {
    row(md, "date (UTC)", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    row(md, "nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
    row(md, "CPU", cpuModel());
    row(md, "memory", memTotal());
  }

  /** The CPU model from /proc/cpuinfo, or "unknown". */
  static String cpuModel() {
    String value = firstValue("/proc/cpuinfo", "model name");
    return value == null ? "unknown" : value;
  }

  /** The machine's memory from /proc/meminfo in GiB, or "unknown". */
  static String memTotal() {
    String value = firstValue("/proc/meminfo", "MemTotal");
    try {
      long kib = Long.parseLong(value.replaceAll("[^0-9]", ""));
      return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  /** Busy cores as a figure, or "n/a" where /proc could not tell. */
  static String cores(double value) {
    return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
  }

  /** A two-column Markdown table row. */
  static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
  }

  private static String firstValue(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return null;
  }
}
