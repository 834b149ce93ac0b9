package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Abusive clients against a running server, one section each, while a probe client measures its own
 * latency: ListStreams on a new connection every 20 ms (so every probe also goes through accept), from
 * 127.0.0.1, while the abuse comes from other loopback addresses. Per section the report gives the probe's
 * p50/p99/max and failures, the server's peak resident memory (/proc/PID/status) and what the server's own
 * gauges said. Add a section: a method taking a {@link Section} and a case in {@link #run}.
 *
 * <ul>
 *   <li>{@code large-bodies}: {@code --body-clients} clients (50) from 127.0.0.3, each sending a PutRecords
 *       body of {@code --body-mib} MiB (15) on a new connection, again and again for {@code --hold} seconds.</li>
 *   <li>{@code management-body}: {@code --management-bodies} (4) attempts to send a 1 GiB body to PUT /faults
 *       on the management port, half with a declared length, half chunked.</li>
 *   <li>{@code stalled-readers}: {@code --readers} SubscribeToShard subscriptions (HTTP/1.1, 4 KiB receive
 *       buffers) that read the status line and nothing more, on shards holding {@code --shard-mb} MB each,
 *       held {@code --hold} seconds.</li>
 *   <li>{@code slowloris}: {@code --slowloris} connections from {@code --slowloris-addresses} addresses
 *       (127.0.0.2, ...) that send one header byte per connection per second, never ending the header
 *       block, for {@code --hold} seconds; connections the server closes are not reopened.</li>
 *   <li>{@code tls-handshakes}: as many connections to the TLS port ({@code --tls-port}) that never start
 *       their handshake, from as many addresses.</li>
 * </ul>
 *
 * <p>Options: host, port, management-port, out, server-pid, server-info, command, sections (comma list),
 * readers, shard-mb, slowloris, slowloris-addresses, tls-port, hold.
 */
public final class AbuseBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, "
      + "SignedHeaders=host;x-amz-date, Signature=00";
  private static final int CONSUMERS_PER_STREAM = 20;

  private final Map<String, String> options;
  private final String host;
  private final int port;
  private final int managementPort;
  private final long serverPid;
  private final long holdMillis;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  /** One section's figures, as rows of the report. */
  record Section(String name, String abuse, List<String[]> rows) {
    void row(String key, String value) { rows.add(new String[] {key, value}); }
  }

  private AbuseBenchmark(Map<String, String> options) {
    this.options = options;
    this.host = options.getOrDefault("host", "127.0.0.1");
    this.port = Integer.parseInt(options.get("port"));
    this.managementPort = Integer.parseInt(options.get("management-port"));
    this.serverPid = Long.parseLong(options.getOrDefault("server-pid", "0"));
    this.holdMillis = Long.parseLong(options.getOrDefault("hold", "30")) * 1000;
  }

  public static void main(String[] args) throws Exception {
    new AbuseBenchmark(BenchSupport.options(args, 0)).run();
  }

  private void run() throws Exception {
    List<Section> sections = new ArrayList<>();
    for (String name : options.getOrDefault("sections", "large-bodies,stalled-readers,slowloris,tls-handshakes,management-body").split(",")) {
      Section section = switch (name.trim()) {
        case "stalled-readers" -> stalledReaders(Integer.parseInt(options.getOrDefault("readers", "300")));
        case "slowloris" -> slowloris("slowloris", "trickling their headers", port,
            Integer.parseInt(options.getOrDefault("slowloris", "20000")),
            Integer.parseInt(options.getOrDefault("slowloris-addresses", "2")));
        case "tls-handshakes" -> slowloris("tls-handshakes", "to the TLS port never starting their handshake",
            Integer.parseInt(options.get("tls-port")), Integer.parseInt(options.getOrDefault("slowloris", "20000")),
            Integer.parseInt(options.getOrDefault("slowloris-addresses", "2")));
        case "large-bodies" -> largeBodies(Integer.parseInt(options.getOrDefault("body-clients", "50")),
            Integer.parseInt(options.getOrDefault("body-mib", "15")));
        case "management-body" -> managementBodies(Integer.parseInt(options.getOrDefault("management-bodies", "4")));
        default -> throw new IllegalArgumentException("unknown section " + name);
      };
      sections.add(section);
      System.out.println("[abuse] " + section.name() + ": " + describe(section));
    }
    write(sections);
  }

  // ---- stalled SubscribeToShard readers ---------------------------------------------------------------

  private Section stalledReaders(int readers) throws Exception {
    Section section = new Section("stalled-readers", readers + " SubscribeToShard readers that never read", new ArrayList<>());
    int shards = Math.max(1, (readers + CONSUMERS_PER_STREAM - 1) / CONSUMERS_PER_STREAM);
    int consumers = Math.min(readers, CONSUMERS_PER_STREAM);
    int shardMb = Integer.parseInt(options.getOrDefault("shard-mb", "8"));
    String stream = "abuse-readers-" + runId;
    call("CreateStream", JSON.createObjectNode().put("StreamName", stream).put("ShardCount", shards));
    awaitActive(stream);
    String streamArn = call("DescribeStreamSummary", JSON.createObjectNode().put("StreamName", stream))
        .path("StreamDescriptionSummary").path("StreamARN").asText();
    fill(stream, shards, shardMb);
    List<String> consumerArns = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      consumerArns.add(call("RegisterStreamConsumer", JSON.createObjectNode().put("StreamARN", streamArn)
          .put("ConsumerName", "stalled-" + i)).path("Consumer").path("ConsumerARN").asText());
      if (consumerArns.size() % 5 == 0) awaitConsumersActive(consumerArns);
    }
    awaitConsumersActive(consumerArns);

    try (Probe probe = new Probe(); Sampler sampler = new Sampler("tributary_subscriptions_buffered_bytes")) {
      List<Socket> sockets = new ArrayList<>();
      int accepted = 0;
      int refused = 0;
      try {
        for (int i = 0; i < readers; i++) {
          Socket socket = subscribe(consumerArns.get(i % consumers), String.format(Locale.ROOT, "shardId-%012d", i / consumers));
          sockets.add(socket);
          if (statusLine(socket).startsWith("HTTP/1.1 200")) accepted++; else refused++;
        }
        Thread.sleep(holdMillis);
      } finally {
        for (Socket socket : sockets) socket.close();
      }
      section.row("subscriptions accepted / refused (LimitExceededException)", accepted + " / " + refused);
      section.row("shards x record data per shard", shards + " x " + shardMb + " MB");
      section.row("server gauge tributary_subscriptions_buffered_bytes, peak",
          String.format(Locale.ROOT, "%.1f MiB", sampler.peakMetric() / 1048576.0));
      finish(section, probe, sampler);
    }
    return section;
  }

  private void fill(String stream, int shards, int shardMb) throws Exception {
    byte[] data = new byte[1_000_000];
    Arrays.fill(data, (byte) 'x');
    String encoded = Base64.getEncoder().encodeToString(data);
    BigInteger space = BigInteger.ONE.shiftLeft(128);
    for (int shard = 0; shard < shards; shard++) {
      String hashKey = space.multiply(BigInteger.valueOf(shard)).divide(BigInteger.valueOf(shards)).toString();
      for (int written = 0; written < shardMb; written += 4) {
        var records = JSON.createArrayNode();
        for (int i = 0; i < Math.min(4, shardMb - written); i++) {
          records.addObject().put("Data", encoded).put("PartitionKey", "k").put("ExplicitHashKey", hashKey);
        }
        var body = JSON.createObjectNode().put("StreamName", stream);
        body.set("Records", records);
        call("PutRecords", body);
      }
    }
  }

  private Socket subscribe(String consumerArn, String shardId) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.bind(new InetSocketAddress("127.0.0.2", 0));
    socket.connect(new InetSocketAddress(host, port), 5_000);
    byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("ConsumerARN", consumerArn).put("ShardId", shardId)
        .set("StartingPosition", JSON.createObjectNode().put("Type", "TRIM_HORIZON")));
    OutputStream out = socket.getOutputStream();
    out.write(head("SubscribeToShard", body.length, false).getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return socket;
  }

  // ---- slowloris ----------------------------------------------------------------------------------------

  /** Connections from the addresses to the port, each sent one header byte a second unless it is the TLS port. */
  private Section slowloris(String name, String what, int target, int connections, int addresses) throws Exception {
    Section section = new Section(name, connections + " connections " + what + ", from " + addresses + " address(es)",
        new ArrayList<>());
    boolean trickle = target == port;
    byte[] headers = ("POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\nX-Slow: "
        + "a".repeat(4000)).getBytes(StandardCharsets.US_ASCII);
    try (Probe probe = new Probe(); Sampler sampler = new Sampler("tributary_api_connections_open")) {
      List<SocketChannel> open = new ArrayList<>();
      int connectFailures = 0;
      long started = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        try {
          SocketChannel channel = SocketChannel.open();
          channel.bind(new InetSocketAddress("127.0.0." + (2 + i % addresses), 0));
          channel.connect(new InetSocketAddress(host, target));
          channel.configureBlocking(false);
          open.add(channel);
        } catch (IOException e) {
          connectFailures++;
        }
      }
      int closedByServer = 0;
      long peakHeld = 0;
      int position = 0;
      ByteBuffer scratch = ByteBuffer.allocate(4096);
      while (System.nanoTime() - started < holdMillis * 1_000_000L) {
        List<SocketChannel> still = new ArrayList<>(open.size());
        for (SocketChannel channel : open) {
          boolean closed;
          try {
            scratch.clear();
            closed = channel.read(scratch) < 0;
            if (!closed && trickle) channel.write(ByteBuffer.wrap(headers, position % headers.length, 1));
          } catch (IOException reset) {
            closed = true;
          }
          if (closed) {
            closedByServer++;
            channel.close();
          } else {
            still.add(channel);
          }
        }
        open = still;
        peakHeld = Math.max(peakHeld, open.size());
        position++;
        Thread.sleep(1000);
      }
      int heldAtEnd = open.size();
      for (SocketChannel channel : open) channel.close();
      section.row("connections opened by the client / failed to connect", (connections - connectFailures) + " / " + connectFailures);
      section.row("closed by the server (refused at accept or cut at the header deadline)", String.valueOf(closedByServer));
      section.row("still open at the end of the hold (" + holdMillis / 1000 + " s)", String.valueOf(heldAtEnd));
      section.row("server gauge tributary_api_connections_open, peak", String.format(Locale.ROOT, "%.0f", sampler.peakMetric()));
      finish(section, probe, sampler);
    }
    return section;
  }

  // ---- large bodies ----------------------------------------------------------------------------------

  /** Clients that each send a PutRecords body of about {@code mib} MiB on a new connection, again and again. */
  private Section largeBodies(int clients, int mib) throws Exception {
    Section section = new Section("large-bodies", clients + " clients each sending a " + mib
        + " MiB PutRecords body at once, again and again", new ArrayList<>());
    String stream = "abuse-bodies-" + runId;
    call("CreateStream", JSON.createObjectNode().put("StreamName", stream).put("ShardCount", 4));
    awaitActive(stream);
    byte[] body = largePutRecordsBody(stream, mib);
    Map<String, java.util.concurrent.atomic.LongAdder> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    try (Probe probe = new Probe(); Sampler sampler = new Sampler("tributary_budget_used{budget=\"requests\"}")) {
      long end = System.nanoTime() + holdMillis * 1_000_000L;
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Thread thread = new Thread(() -> {
          while (System.nanoTime() < end) {
            outcomes.computeIfAbsent(sendLargeBody(body), k -> new java.util.concurrent.atomic.LongAdder()).increment();
          }
        }, "abuse-body-" + i);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) thread.join();
      section.row("body size", String.format(Locale.ROOT, "%.1f MiB", body.length / 1048576.0));
      section.row("server gauge tributary_budget_used{budget=\"requests\"}, peak",
          String.format(Locale.ROOT, "%.1f MiB", sampler.peakMetric() / 1048576.0));
      outcomes.entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(entry -> section.row("answers: " + entry.getKey(), String.valueOf(entry.getValue().sum())));
      finish(section, probe, sampler);
    }
    return section;
  }

  /** A PutRecords body of about {@code mib} MiB: records of 1 MiB of data each, base64 in JSON. */
  static byte[] largePutRecordsBody(String stream, int mib) {
    char[] data = new char[1_398_104];
    Arrays.fill(data, 'A');
    String record = "{\"PartitionKey\":\"k\",\"Data\":\"" + new String(data) + "\"}";
    StringBuilder json = new StringBuilder(mib * 1024 * 1024 + 1024).append("{\"StreamName\":\"").append(stream)
        .append("\",\"Records\":[");
    for (int i = 0; json.length() + record.length() < mib * 1024L * 1024L; i++) {
      if (i > 0) json.append(',');
      json.append(record);
    }
    return json.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The status and error type of one large body's answer, or what became of it. */
  private String sendLargeBody(byte[] body) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress("127.0.0.3", 0));
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(head("PutRecords", body.length, true).getBytes(StandardCharsets.US_ASCII));
      boolean sent = true;
      try {
        for (int off = 0; off < body.length; off += 65536) out.write(body, off, Math.min(65536, body.length - off));
        out.flush();
      } catch (IOException cut) {
        sent = false;
      }
      String answer = new String(socket.getInputStream().readNBytes(4096), StandardCharsets.ISO_8859_1);
      if (answer.isEmpty()) return "closed without an answer";
      String status = answer.length() >= 12 ? answer.substring(9, 12) : answer;
      int type = answer.indexOf("x-amzn-ErrorType: ");
      String error = type < 0 ? "" : " " + answer.substring(type + 18, answer.indexOf('\r', type));
      return status + error + (sent ? "" : " (body cut off)");
    } catch (IOException e) {
      return "no answer (" + e.getClass().getSimpleName() + ")";
    }
  }

  // ---- 1 GiB bodies to the management port ---------------------------------------------------------------

  /** Connections that each try to send a 1 GiB body to PUT /faults, half declared, half chunked. */
  private Section managementBodies(int bodies) throws Exception {
    Section section = new Section("management-body", bodies + " attempts to send a 1 GiB body to the management "
        + "port (PUT /faults; half with a declared Content-Length, half chunked)", new ArrayList<>());
    try (Probe probe = new Probe(); Sampler sampler = new Sampler("jvm_memory_used_bytes{area=\"heap\"")) {
      List<Thread> threads = new ArrayList<>();
      List<String> results = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < bodies; i++) {
        boolean chunked = i % 2 == 1;
        Thread thread = new Thread(() -> results.add(sendGibibyte(chunked)), "abuse-management-" + i);
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) thread.join();
      pause(Math.max(0, holdMillis - 5_000));
      results.stream().sorted().forEach(result -> section.row("attempt", result));
      section.row("server heap in use (jvm_memory_used_bytes, first heap pool), peak",
          String.format(Locale.ROOT, "%.1f MiB", sampler.peakMetric() / 1048576.0));
      finish(section, probe, sampler);
    }
    return section;
  }

  private String sendGibibyte(boolean chunked) {
    long total = 1L << 30;
    long sent = 0;
    byte[] block = new byte[65536];
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, managementPort), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /faults HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
          + (chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + total) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      try {
        while (sent < total) {
          if (chunked) out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(block);
          if (chunked) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent += block.length;
        }
      } catch (IOException cut) {
        // the server stopped reading: expected
      }
      String status;
      try {
        status = statusLine(socket);
      } catch (IOException e) {
        status = "no status line (" + e.getClass().getSimpleName() + ")";
      }
      return (chunked ? "chunked" : "declared 1 GiB") + ": " + status + " after "
          + String.format(Locale.ROOT, "%.1f MiB", sent / 1048576.0) + " sent";
    } catch (IOException e) {
      return (chunked ? "chunked" : "declared 1 GiB") + ": " + e;
    }
  }

  // ---- probe, sampling, report -------------------------------------------------------------------------

  private void finish(Section section, Probe probe, Sampler sampler) {
    probe.close();
    sampler.close();
    double[] latencies = probe.latencies();
    section.row("probe calls ok / failed", latencies.length + " / " + probe.failures);
    section.row("probe's first failure", probe.firstFailure);
    section.row("probe latency p50 / p99 / max (ms)", String.format(Locale.ROOT, "%.1f / %.1f / %.1f",
        percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0)));
    section.row("server RSS, peak", sampler.peakRssMib() < 0 ? "n/a" : sampler.peakRssMib() + " MiB");
    section.row("server /health at the end", health());
  }

  /** ListStreams on a new connection from 127.0.0.1 every 20 ms, on a thread of its own. */
  private final class Probe implements AutoCloseable {
    private final List<Double> millis = new ArrayList<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread thread;
    private int failures;
    private volatile String firstFailure = "none";

    Probe() {
      thread = new Thread(() -> {
        while (!done.get()) {
          long start = System.nanoTime();
          try (Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 10_000);
            byte[] body = "{}".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write((head("ListStreams", body.length, true) + "{}").getBytes(StandardCharsets.US_ASCII));
            String status = statusLine(socket);
            if (status.startsWith("HTTP/1.1 200")) {
              synchronized (millis) {
                millis.add((System.nanoTime() - start) / 1e6);
              }
            } else {
              failed(status);
            }
          } catch (IOException e) {
            failed(e.toString());
          }
          pause(20);
        }
      }, "abuse-probe");
      thread.start();
    }

    private void failed(String why) {
      if (failures++ == 0) firstFailure = why;
    }

    double[] latencies() {
      synchronized (millis) {
        return millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      }
    }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Samples the server's RSS and one gauge of its /metrics every 500 ms, keeping the peaks. */
  private final class Sampler implements AutoCloseable {
    private final AtomicBoolean done = new AtomicBoolean();
    private final Thread thread;
    private volatile long peakRssKib = -1;
    private volatile double peakMetric;

    Sampler(String metric) {
      thread = new Thread(() -> {
        while (!done.get()) {
          peakRssKib = Math.max(peakRssKib, rssKib());
          peakMetric = Math.max(peakMetric, metric(metric));
          pause(500);
        }
      }, "abuse-sampler");
      thread.start();
    }

    long peakRssMib() { return peakRssKib < 0 ? -1 : peakRssKib / 1024; }

    double peakMetric() { return peakMetric; }

    @Override
    public void close() {
      if (done.compareAndSet(false, true)) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private long rssKib() {
    if (serverPid <= 0) return -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  private double metric(String name) {
    try {
      String text = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + managementPort + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        boolean matches = name.contains("{") ? line.startsWith(name)
            : line.startsWith(name + " ") || line.startsWith(name + "{");
        if (matches) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not answered this time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private String health() {
    try {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + managementPort
          + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() + " " + answer.body();
    } catch (IOException e) {
      return "no answer: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private JsonNode call(String operation, JsonNode body) throws Exception {
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/"))
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Kinesis_20131202." + operation)
        .header("X-Amz-Date", "20260101T000000Z").header("Authorization", AUTHORIZATION)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode reply = answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
    if (answer.statusCode() != 200) throw new IllegalStateException(operation + ": " + answer.statusCode() + " " + reply);
    return reply;
  }

  private void awaitActive(String stream) throws Exception {
    for (int i = 0; i < 600; i++) {
      if ("ACTIVE".equals(call("DescribeStreamSummary", JSON.createObjectNode().put("StreamName", stream))
          .path("StreamDescriptionSummary").path("StreamStatus").asText())) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(stream + " not ACTIVE");
  }

  private void awaitConsumersActive(List<String> consumerArns) throws Exception {
    for (String arn : consumerArns) {
      for (int i = 0; ; i++) {
        String status = call("DescribeStreamConsumer", JSON.createObjectNode().put("ConsumerARN", arn))
            .path("ConsumerDescription").path("ConsumerStatus").asText();
        if (status.equals("ACTIVE")) break;
        if (i > 600) throw new IllegalStateException(arn + " not ACTIVE");
        Thread.sleep(100);
      }
    }
  }

  private String head(String operation, int contentLength, boolean close) {
    return "POST / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nX-Amz-Target: Kinesis_20131202." + operation
        + "\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: "
        + AUTHORIZATION + "\r\nContent-Length: " + contentLength + (close ? "\r\nConnection: close" : "") + "\r\n\r\n";
  }

  private static String statusLine(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) line.append((char) b);
    return line.toString().trim();
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) return Double.NaN;
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1 < 0 ? 0 : (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static String describe(Section section) {
    StringBuilder text = new StringBuilder();
    for (String[] row : section.rows()) text.append(row[0]).append(": ").append(row[1]).append("; ");
    return text.toString();
  }

  private void write(List<Section> sections) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Abusive clients\n\n");
    md.append("Each section runs one kind of abuse against the server while a probe client calls ListStreams on a new\n")
        .append("connection every 20 ms from 127.0.0.1 (the abuse comes from 127.0.0.2 and up). The server is started with\n")
        .append("`-XX:+ExitOnOutOfMemoryError`; the script reports any OutOfMemoryError in its log. The client opens\n")
        .append("every abusive connection and the probe's in one JVM, so connections it could not open for its own\n")
        .append("open-files limit show as \"failed to connect\", and as probe failures (\"Too many open files\").\n\n");
    BenchSupport.row(md.append("| | |\n|---|---|\n"), "command", "`" + options.getOrDefault("command", "loadtest/abuse.sh") + "`");
    BenchSupport.row(md, "date", Instant.now().toString());
    BenchSupport.row(md, "server", options.getOrDefault("server-info", "?"));
    BenchSupport.row(md, "machine", Runtime.getRuntime().availableProcessors() + " cores, " + BenchSupport.cpuModel()
        + ", " + BenchSupport.memTotal());
    for (Section section : sections) {
      md.append("\n## ").append(section.name()).append(": ").append(section.abuse()).append("\n\n| | |\n|---|---|\n");
      for (String[] row : section.rows()) BenchSupport.row(md, row[0], row[1]);
    }
    Path out = Path.of(options.getOrDefault("out", "loadtest/results/abuse.md"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
