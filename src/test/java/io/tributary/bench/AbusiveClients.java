package io.tributary.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Clients that misbehave, run beside the soak load on plain sockets: they hold connections open while
 * sending a byte at a time, declare bodies far over the limit, send garbage, open and drop connections,
 * and send requests whose answers they never read. Each kind counts what the server did about it (the
 * status of any answer; a connection the server closed; how long it held on), so a report can say
 * whether the server shed them and whether any got a 5xx.
 */
final class AbusiveClients {
  /** The kinds of abuse and how many run at once. */
  enum Kind {
    SLOW_HEADERS("request headers at one byte per second, never finished", 16),
    SLOW_BODY("complete headers, then a 10,000-byte body at one byte per second", 16),
    OVERSIZED("Content-Length of 64 MiB, then the body as fast as the server takes it", 1),
    GARBAGE("well-formed headers of a real operation with a random or truncated JSON/CBOR body, 20/s", 1),
    CHURN("connections opened and dropped at once or after half a request line, 20/s", 1),
    NON_READER("50 pipelined GetRecords of a full shard, answers never read", 4);

    final String description;
    final int connections;

    Kind(String description, int connections) {
      this.description = description;
      this.connections = connections;
    }
  }

  /** What happened to one kind's attempts, over the whole run. */
  static final class Tally {
    final LongAdder attempts = new LongAdder();
    final LongAdder closedByServer = new LongAdder();
    final LongAdder heldMillis = new LongAdder();
    final java.util.concurrent.atomic.AtomicLong maxHeldMillis = new java.util.concurrent.atomic.AtomicLong();
    final Map<String, LongAdder> answers = new ConcurrentHashMap<>();

    void answer(String status) {
      answers.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    /** A connection's life, from connect to its end. */
    void held(long millis) {
      heldMillis.add(millis);
      maxHeldMillis.accumulateAndGet(millis, Math::max);
    }

    Map<String, Long> answerCounts() {
      Map<String, Long> counts = new TreeMap<>();
      answers.forEach((status, count) -> counts.put(status, count.sum()));
      return counts;
    }
  }

  private final String host;
  private final int port;
  private final Supplier<String> getRecordsBody;
  private final long endNanos;
  private final Map<Kind, Tally> tallies = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();

  /** @param getRecordsBody a JSON GetRecords body with a fresh iterator of a shard that holds many records */
  AbusiveClients(String host, int port, Supplier<String> getRecordsBody, long durationMillis) {
    this.host = host;
    this.port = port;
    this.getRecordsBody = getRecordsBody;
    this.endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMillis);
    for (Kind kind : Kind.values()) tallies.put(kind, new Tally());
  }

  Map<Kind, Tally> tallies() {
    return tallies;
  }

  void start() {
    for (Kind kind : Kind.values()) {
      for (int i = 0; i < kind.connections; i++) {
        SplittableRandom random = new SplittableRandom(kind.ordinal() * 1000L + i);
        Thread thread = new Thread(() -> runUntilEnd(kind, random), "abuse-" + kind + "-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }
  }

  void join() throws InterruptedException {
    for (Thread thread : threads) thread.join(TimeUnit.SECONDS.toMillis(30));
  }

  private boolean running() {
    return System.nanoTime() < endNanos;
  }

  private void runUntilEnd(Kind kind, SplittableRandom random) {
    Tally tally = tallies.get(kind);
    while (running()) {
      try {
        switch (kind) {
          case SLOW_HEADERS -> slowHeaders(tally);
          case SLOW_BODY -> slowBody(tally);
          case OVERSIZED -> oversized(tally);
          case GARBAGE -> garbage(tally, random);
          case CHURN -> churn(tally, random);
          case NON_READER -> nonReader(tally);
        }
      } catch (IOException e) {
        tally.answer("client error: " + e.getClass().getSimpleName());
        pause(200);
      }
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    return socket;
  }

  /** Headers one byte a second: the server should drop the connection after its request timeout. */
  private void slowHeaders(Tally tally) throws IOException {
    tally.attempts.increment();
    long opened = System.nanoTime();
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      byte[] head = ("POST / HTTP/1.1\r\nHost: " + host + "\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
          + "Content-Type: application/x-amz-json-1.1\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII);
      out.write(head);
      out.flush();
      while (running()) {
        pause(1000);
        out.write('a');
        out.flush();
      }
    } catch (IOException e) {
      tally.closedByServer.increment();
    }
    tally.held(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
  }

  /** A body one byte a second. */
  private void slowBody(Tally tally) throws IOException {
    tally.attempts.increment();
    long opened = System.nanoTime();
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(headers("ListStreams", "application/x-amz-json-1.1", 10_000));
      out.write('{');
      out.flush();
      for (int sent = 1; sent < 10_000 && running(); sent++) {
        pause(1000);
        out.write(' ');
        out.flush();
      }
      if (running()) tally.answer(statusLine(socket.getInputStream()));
    } catch (IOException e) {
      tally.closedByServer.increment();
    }
    tally.held(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
  }

  /** Declares 64 MiB: AWS's front end answers 413 without reading it. */
  private void oversized(Tally tally) throws IOException {
    tally.attempts.increment();
    long opened = System.nanoTime();
    try (Socket socket = connect()) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(headers("PutRecord", "application/x-amz-json-1.1", 64 << 20));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      InputStream in = socket.getInputStream();
      // Send the body until the server answers or stops taking it, then read what it said.
      for (int i = 0; i < 1024 && in.available() == 0; i++) {
        try {
          out.write(chunk);
        } catch (IOException e) {
          break;
        }
      }
      tally.answer(statusLine(in));
    } catch (IOException e) {
      tally.closedByServer.increment();
    }
    tally.held(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
    pause(200);
  }

  private static final String[] OPERATIONS = {"PutRecord", "PutRecords", "GetRecords", "GetShardIterator",
      "CreateStream", "DescribeStream", "ListShards"};

  /** Random or truncated bodies on real operations, 20 a second on one keep-alive connection. */
  private void garbage(Tally tally, SplittableRandom random) throws IOException {
    try (Socket socket = connect()) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      while (running()) {
        tally.attempts.increment();
        boolean cbor = random.nextBoolean();
        byte[] body = new byte[random.nextInt(1, 600)];
        random.nextBytes(body);
        if (!cbor && random.nextBoolean()) {
          String truncated = "{\"StreamName\":\"soak\",\"Records\":[{\"Data\":\"AAAA\",\"PartitionKey\":\"k\"}]}";
          body = truncated.substring(0, random.nextInt(1, truncated.length())).getBytes(StandardCharsets.UTF_8);
        }
        out.write(headers(OPERATIONS[random.nextInt(OPERATIONS.length)],
            cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1", body.length));
        out.write(body);
        out.flush();
        String status = statusLine(in);
        tally.answer(status);
        skipAnswer(in);
        pause(50);
      }
    }
  }

  /** Connections opened and dropped, some after half a request line. */
  private void churn(Tally tally, SplittableRandom random) throws IOException {
    tally.attempts.increment();
    try (Socket socket = connect()) {
      if (random.nextBoolean()) {
        socket.getOutputStream().write("POST / HT".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
      }
      socket.setSoLinger(true, 0);  // drop it hard, as a crashed client would
    }
    pause(50);
  }

  /** Pipelined GetRecords whose answers (megabytes each) are never read: the server must not buffer them all. */
  private void nonReader(Tally tally) throws IOException {
    tally.attempts.increment();
    long opened = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress(host, port), 5000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 50; i++) {
        byte[] body = getRecordsBody.get().getBytes(StandardCharsets.UTF_8);
        out.write(headers("GetRecords", "application/x-amz-json-1.1", body.length));
        out.write(body);
      }
      out.flush();
      InputStream in = socket.getInputStream();
      boolean closed = false;
      while (running() && !closed) {
        pause(5000);
        // One byte every 5 s: enough to see the server close the connection, too little to drain anything.
        try {
          closed = in.read() == -1;
        } catch (java.net.SocketTimeoutException e) {
          // nothing sent yet
        }
      }
      if (closed) {
        tally.closedByServer.increment();
        tally.held(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
        return;
      }
      tally.answer(in.available() > 0 ? "answers waiting unread" : "no answer waiting");
    } catch (IOException e) {
      tally.closedByServer.increment();
    }
    tally.held(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened));
  }

  private byte[] headers(String operation, String contentType, long contentLength) {
    return ("POST / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nX-Amz-Target: Kinesis_20131202." + operation
        + "\r\nContent-Type: " + contentType + "\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 "
        + "Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** "HTTP 400" from the status line of the next answer, or "closed" if the connection ended first. */
  private static String statusLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') line.append((char) b);
    if (line.length() == 0) return "closed without an answer";
    String[] parts = line.toString().trim().split(" ");
    return parts.length > 1 ? "HTTP " + parts[1] : "malformed status line";
  }

  /** Reads the rest of an answer (headers, then Content-Length bytes). */
  private static void skipAnswer(InputStream in) throws IOException {
    long length = 0;
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String header = line.toString().trim();
        if (header.isEmpty()) break;
        if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Long.parseLong(header.substring(15).trim());
        }
        line.setLength(0);
      } else {
        line.append((char) b);
      }
    }
    in.skipNBytes(length);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
