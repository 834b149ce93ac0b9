package io.tributary.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Large-body abuse: {@code --clients} clients (50) each send a {@code --body-mib} (15 MiB) PutRecords
 * body at once, again and again for {@code --duration} s, on their own connections, while one probe
 * client makes small PutRecord calls ({@code --probe-rate}/s) and measures its own latency before, during
 * and after. The server's RSS is sampled from /proc every 100 ms; its log is searched for
 * OutOfMemoryError and blocked-thread warnings. Writes a Markdown report to {@code --out}.
 *
 * <p>Options: --host, --port, --out, --server-info, --server-pid, --server-log (else $BENCH_SERVER_LOG),
 * --command, --clients,
 * --body-mib, --duration (s), --probe-rate (calls/s), --settle (s before and after the abuse).
 */
public final class AbuseBodiesBenchmark {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String STREAM = "abuse-bodies";

  private final Map<String, String> options;
  private final String host;
  private final int port;
  private final long serverPid;

  /** The answers the abusive clients got, by what came back. */
  private final Map<String, LongAdder> abuseAnswers = new ConcurrentHashMap<>();
  private final LongAdder abuseSent = new LongAdder();
  private final AtomicLong peakRssKib = new AtomicLong();

  private AbuseBodiesBenchmark(Map<String, String> options) {
    this.options = options;
    this.host = option("host", "127.0.0.1");
    this.port = Integer.parseInt(option("port", "4567"));
    this.serverPid = Long.parseLong(option("server-pid", "0"));
  }

  public static void main(String[] args) throws Exception {
    new AbuseBodiesBenchmark(BenchSupport.options(args, 0)).run();
  }

  private String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  /** One probe call's outcome. */
  private record ProbeCall(long startNanos, long micros, String outcome) { }

  private void run() throws Exception {
    int clients = Integer.parseInt(option("clients", "50"));
    int bodyMiB = Integer.parseInt(option("body-mib", "15"));
    long durationMs = Long.parseLong(option("duration", "20")) * 1000;
    long settleMs = Long.parseLong(option("settle", "5")) * 1000;
    int probeRate = Integer.parseInt(option("probe-rate", "20"));

    String created = call("CreateStream", "{\"StreamName\":\"" + STREAM + "\",\"ShardCount\":2}");
    if (!created.startsWith("HTTP/1.1 200")) throw new IllegalStateException("CreateStream: " + created);
    Thread.sleep(1000);
    byte[] body = abusiveBody(bodyMiB);

    long rssBefore = rssKib("VmRSS");
    List<ProbeCall> probes = Collections.synchronizedList(new ArrayList<>());
    long runStart = System.nanoTime();
    long abuseStart = runStart + TimeUnit.MILLISECONDS.toNanos(settleMs);
    long abuseEnd = abuseStart + TimeUnit.MILLISECONDS.toNanos(durationMs);
    long runEnd = abuseEnd + TimeUnit.MILLISECONDS.toNanos(settleMs);

    Thread probe = new Thread(() -> probe(probeRate, runEnd, probes), "probe");
    Thread sampler = new Thread(() -> sampleRss(runEnd), "rss-sampler");
    probe.start();
    sampler.start();
    sleepUntil(abuseStart);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> abusers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Thread abuser = new Thread(() -> abuse(body, go, abuseEnd), "abuser-" + i);
      abuser.setDaemon(true);
      abusers.add(abuser);
      abuser.start();
    }
    go.countDown();
    for (Thread abuser : abusers) abuser.join(durationMs + 120_000);
    long abuseDone = System.nanoTime();
    probe.join();
    sampler.join();
    long rssAfter = rssKib("VmRSS");
    long hwm = rssKib("VmHWM");

    write(clients, bodyMiB, durationMs, settleMs, probeRate, rssBefore, rssAfter, hwm, probes, abuseStart, abuseEnd,
        abuseDone);
  }

  // ---- the clients -------------------------------------------------------------------------------

  /** A PutRecords body of about {@code mib} MiB: records of 1 MiB of data each, base64 in JSON. */
  private static byte[] abusiveBody(int mib) {
    return AbuseBenchmark.largePutRecordsBody(STREAM, mib);
  }

  private void abuse(byte[] body, CountDownLatch go, long endNanos) {
    try {
      go.await();
    } catch (InterruptedException e) {
      return;
    }
    while (System.nanoTime() < endNanos) {
      abuseSent.increment();
      String outcome;
      try (Socket socket = connect(120_000)) {
        OutputStream out = socket.getOutputStream();
        out.write(head("PutRecords", body.length).getBytes(StandardCharsets.ISO_8859_1));
        boolean bodySent = true;
        try {
          for (int off = 0; off < body.length; off += 65536) out.write(body, off, Math.min(65536, body.length - off));
          out.flush();
        } catch (IOException cut) {
          bodySent = false;
        }
        outcome = outcome(readAnswer(socket.getInputStream())) + (bodySent ? "" : ", body cut off");
      } catch (IOException e) {
        outcome = "no answer (" + e.getClass().getSimpleName() + ")";
      }
      abuseAnswers.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }
  }

  private void probe(int rate, long endNanos, List<ProbeCall> calls) {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long next = System.nanoTime();
    String body = "{\"StreamName\":\"" + STREAM + "\",\"PartitionKey\":\"probe\",\"Data\":\"cHJvYmU=\"}";
    while (next < endNanos) {
      sleepUntil(next);
      long start = System.nanoTime();
      String outcome;
      try {
        outcome = outcome(call("PutRecord", body));
      } catch (IOException e) {
        outcome = "no answer (" + e.getClass().getSimpleName() + ")";
      }
      calls.add(new ProbeCall(start, (System.nanoTime() - start) / 1000, outcome));
      next = Math.max(next + interval, System.nanoTime());
    }
  }

  /** One call on a fresh connection: its whole answer as text. */
  private String call(String operation, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = connect(60_000)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(operation, body.length).getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return readAnswer(socket.getInputStream());
    }
  }

  private Socket connect(int timeoutMs) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(timeoutMs);
    return socket;
  }

  private String head(String operation, long length) {
    String now = AMZ_DATE.format(Instant.now());
    return "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.1\r\n"
        + "X-Amz-Target: Kinesis_20131202." + operation + "\r\nX-Amz-Date: " + now + "\r\n"
        + "Authorization: AWS4-HMAC-SHA256 Credential=AKIDABUSE/" + now.substring(0, 8)
        + "/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd\r\n"
        + "Connection: close\r\nContent-Length: " + length + "\r\n\r\n";
  }

  /** The answer up to the server's close, at most 1 MiB of it kept. */
  private static String readAnswer(InputStream in) throws IOException {
    byte[] kept = in.readNBytes(1 << 20);
    while (in.read() >= 0) {
      // drain
    }
    return new String(kept, StandardCharsets.ISO_8859_1);
  }

  /** "200", or the status and x-amzn-ErrorType of an answer. */
  private static String outcome(String answer) {
    if (answer.isEmpty()) return "closed without an answer";
    String status = answer.length() >= 12 ? answer.substring(9, 12) : answer;
    int type = answer.indexOf("x-amzn-ErrorType: ");
    if (type < 0) return status;
    int end = answer.indexOf('\r', type);
    return status + " " + answer.substring(type + 18, end < 0 ? answer.length() : end);
  }

  // ---- the server's process ---------------------------------------------------------------------

  private void sampleRss(long endNanos) {
    while (System.nanoTime() < endNanos) {
      peakRssKib.accumulateAndGet(rssKib("VmRSS"), Math::max);
      sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private long rssKib(String field) {
    if (serverPid <= 0) return -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
        if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  private long logLines(String needle) {
    String log = option("server-log", System.getenv().getOrDefault("BENCH_SERVER_LOG", ""));
    if (log.isEmpty()) return -1;
    try (var lines = Files.lines(Path.of(log), StandardCharsets.ISO_8859_1)) {
      return lines.filter(line -> line.contains(needle)).count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---- the report -------------------------------------------------------------------------------

  private void write(int clients, int bodyMiB, long durationMs, long settleMs, int probeRate, long rssBefore,
      long rssAfter, long hwm, List<ProbeCall> probes, long abuseStart, long abuseEnd, long abuseDone)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Tributary under large-body abuse\n\n")
        .append("Generated by `loadtest/abuse-bodies.sh` (client: `io.tributary.bench.AbuseBodiesBenchmark`, server: ")
        .append("`target/tributary.jar` in its own JVM). Client and server share the machine.\n\n")
        .append("Reproduce: `").append(option("command", "loadtest/abuse-bodies.sh")).append("`\n\n## Machine\n\n")
        .append("| fact | value |\n| --- | --- |\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "load average at the end", loadAverage());
    BenchSupport.row(md, "server", option("server-info", "?"));
    md.append("\n## Parameters\n\n| parameter | value |\n| --- | --- |\n");
    BenchSupport.row(md, "abusive clients", clients + " threads, each on a new HTTP/1.1 connection per call: headers "
        + "(SigV4-shaped) and a " + bodyMiB + " MiB JSON PutRecords body (records of 1 MiB of data), sent as fast as the "
        + "server takes it, the answer read, again until the end; all start at once");
    BenchSupport.row(md, "probe client", "one thread, a small JSON PutRecord on a new connection every "
        + (1000 / probeRate) + " ms (" + probeRate + "/s), latency from before connect to the end of the answer");
    BenchSupport.row(md, "timing", (settleMs / 1000) + " s probe alone, " + (durationMs / 1000) + " s of abuse (the last "
        + "calls finished " + String.format(Locale.ROOT, "%.1f", (abuseDone - abuseEnd) / 1e9) + " s later), "
        + (settleMs / 1000) + " s probe alone");

    md.append("\n## Server memory and log\n\n| figure | value |\n| --- | --- |\n");
    BenchSupport.row(md, "RSS before", mib(rssBefore));
    BenchSupport.row(md, "RSS peak (sampled every 100 ms)", mib(peakRssKib.get()));
    BenchSupport.row(md, "RSS high-water mark (VmHWM)", mib(hwm));
    BenchSupport.row(md, "RSS after", mib(rssAfter));
    BenchSupport.row(md, "OutOfMemoryError lines in the server log", String.valueOf(logLines("OutOfMemoryError")));
    BenchSupport.row(md, "blocked-thread warnings in the server log", String.valueOf(logLines("has been blocked for")));

    md.append("\n## Abusive calls\n\n| answer | calls |\n| --- | ---: |\n");
    new TreeMap<>(abuseAnswers).forEach((answer, count) -> BenchSupport.row(md, answer, String.valueOf(count.sum())));
    BenchSupport.row(md, "total", String.valueOf(abuseSent.sum()));

    md.append("\n## Probe\n\n| window | calls | p50 ms | p99 ms | max ms | answers |\n| --- | ---: | ---: | ---: | ---: | --- |\n");
    List<ProbeCall> all;
    synchronized (probes) {
      all = new ArrayList<>(probes);
    }
    probeRow(md, "before the abuse", all.stream().filter(c -> c.startNanos() < abuseStart).toList());
    probeRow(md, "during the abuse", all.stream().filter(c -> c.startNanos() >= abuseStart && c.startNanos() < abuseEnd).toList());
    probeRow(md, "after the abuse", all.stream().filter(c -> c.startNanos() >= abuseEnd).toList());
    Path out = Path.of(option("out", "loadtest/results/abuse-bodies.md"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.print(md);
  }

  private static void probeRow(StringBuilder md, String window, List<ProbeCall> calls) {
    long[] micros = calls.stream().mapToLong(ProbeCall::micros).sorted().toArray();
    Map<String, Long> outcomes = new TreeMap<>();
    for (ProbeCall call : calls) outcomes.merge(call.outcome(), 1L, Long::sum);
    md.append("| ").append(window).append(" | ").append(micros.length).append(" | ")
        .append(millis(percentile(micros, 0.50))).append(" | ").append(millis(percentile(micros, 0.99))).append(" | ")
        .append(millis(micros.length == 0 ? -1 : micros[micros.length - 1])).append(" | ").append(outcomes).append(" |\n");
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String millis(long micros) {
    return micros < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static String mib(long kib) {
    return kib < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }
}
