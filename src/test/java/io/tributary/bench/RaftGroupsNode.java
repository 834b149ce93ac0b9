package io.tributary.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * One node of {@link RaftGroupsBenchmark}, in a JVM of its own: one Ratis server (gRPC on 127.0.0.1) that
 * carries every group of the run, each group of the three nodes, with a {@link CountingStateMachine}.
 *
 * <p>It answers commands, one line each on stdin, with one line on stdout ({@code key=value} pairs, space
 * separated; its log goes to stderr):
 * <ul>
 *   <li>{@code groups N}: starts adding groups 0..N-1 to this server, one after the other; {@code adding}
 *   <li>{@code status}: {@code leaders=} groups this node leads and whose leader is ready, {@code divisions=}
 *       groups added so far, {@code terms=} the sum of the groups' current terms (it grows with every
 *       election), {@code added=} milliseconds the adds took (-1: not done yet, -2: failed)
 *   <li>{@code stats}: after a full GC, {@code threads= heap= direct= rss= cpu=} (bytes; process CPU ns)
 *   <li>{@code cpu}: {@code cpu=} process CPU ns, {@code nanos=} System.nanoTime
 *   <li>{@code kinds}: live threads by name with ids and numbers taken out, {@code name:threads:cpuNanos,...}
 *   <li>{@code write SECONDS WARMUP CONCURRENCY BYTES}: CONCURRENCY writers, each one entry in flight at a
 *       time, submit BYTES-byte entries round-robin over the groups this node leads, straight to this
 *       server (as the node that owns a shard would); {@code ok= errors= seconds= hist=} (base64 of the
 *       compressed HdrHistogram of the measured latencies in µs), {@code error=} the first error
 *   <li>{@code applied}: {@code applied=} entries applied by every group on this node
 *   <li>{@code quit}, or the end of stdin: closes the server and exits
 * </ul>
 *
 * <p>Options: {@code --id n0 --peers n0=127.0.0.1:p0,n1=...,n2=... --dir DIR --profile P}.
 */
public final class RaftGroupsNode {
  private final RaftPeerId id;
  private final List<RaftPeer> peers;
  private final RaftServer server;
  private final PrintStream out;
  /** How long adding the groups took; -1 while it runs (or before), -2 if it failed. */
  private volatile long addedMillis = -1;

  private RaftGroupsNode(Map<String, String> options, PrintStream out) throws IOException {
    this.out = out;
    id = RaftPeerId.valueOf(options.get("id"));
    peers = peers(options.get("peers"));
    RaftPeer self = peers.stream().filter(peer -> peer.getId().equals(id)).findFirst().orElseThrow();
    String[] hostPort = self.getAddress().split(":");
    File dir = new File(options.get("dir"));
    Files.createDirectories(dir.toPath());
    RaftGroupsProfile profile = RaftGroupsProfile.of(options.get("profile"));
    server = RaftServer.newBuilder()
        .setServerId(id)
        .setProperties(profile.properties(hostPort[0], Integer.parseInt(hostPort[1]), dir))
        .setStateMachineRegistry(groupId -> new CountingStateMachine())
        .setOption(RaftStorage.StartupOption.FORMAT)
        .build();
    server.start();
  }

  public static void main(String[] args) throws Exception {
    // Commands are answered on the real stdout; anything else printed goes to stderr with the log.
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    RaftGroupsNode node = new RaftGroupsNode(BenchSupport.options(args, 0), out);
    out.println("ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] command = line.trim().split(" ");
      if (command[0].equals("quit")) break;
      try {
        out.println(node.answer(command));
      } catch (Exception e) {
        e.printStackTrace();
        out.println("failed error=" + e.toString().replace(' ', '_'));
      }
    }
    // On quit, or when the benchmark is gone (stdin closed): close the server, but exit even if that hangs.
    Thread closing = new Thread(() -> {
      try {
        node.server.close();
      } catch (IOException e) {
        e.printStackTrace();
      }
    });
    closing.setDaemon(true);
    closing.start();
    closing.join(TimeUnit.SECONDS.toMillis(20));
    Runtime.getRuntime().halt(0);
  }

  /** The peers of every group: {@code id=host:port,...}. */
  static List<RaftPeer> peers(String list) {
    List<RaftPeer> peers = new ArrayList<>();
    for (String entry : list.split(",")) {
      String[] idAddress = entry.split("=");
      peers.add(RaftPeer.newBuilder().setId(idAddress[0]).setAddress(idAddress[1]).build());
    }
    return peers;
  }

  /**
   * Group i of a run: its id derived from i; all three peers, peer i mod 3 with the higher priority, so that
   * it is elected (a voter refuses a candidate of lower priority than its own) and leaders spread evenly over
   * the nodes, as shard owners would.
   */
  static RaftGroup group(int index, List<RaftPeer> peers) {
    List<RaftPeer> members = new ArrayList<>();
    for (int p = 0; p < peers.size(); p++) {
      members.add(RaftPeer.newBuilder(peers.get(p)).setPriority(p == index % peers.size() ? 1 : 0).build());
    }
    UUID id = UUID.nameUUIDFromBytes(("raft-groups-bench/" + index).getBytes(StandardCharsets.UTF_8));
    return RaftGroup.valueOf(RaftGroupId.valueOf(id), members);
  }

  private String answer(String[] command) throws Exception {
    return switch (command[0]) {
      case "groups" -> addGroups(Integer.parseInt(command[1]));
      case "status" -> status();
      case "stats" -> stats();
      case "cpu" -> "cpu=" + cpuNanos() + " nanos=" + System.nanoTime();
      case "kinds" -> "kinds=" + threadKinds();
      case "write" -> write(Integer.parseInt(command[1]), Integer.parseInt(command[2]),
          Integer.parseInt(command[3]), Integer.parseInt(command[4]));
      case "applied" -> "applied=" + CountingStateMachine.APPLIED.get();
      default -> throw new IllegalArgumentException("unknown command " + command[0]);
    };
  }

  /** Adds the groups in the background (answered at once); {@code status} tells how far it got. */
  private String addGroups(int count) {
    long start = System.nanoTime();
    ClientId clientId = ClientId.randomId();
    Thread adding = new Thread(() -> {
      try {
        for (int i = 0; i < count; i++) {
          RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId, id, i, group(i, peers)));
          if (!reply.isSuccess()) throw new IllegalStateException("group add failed: " + reply);
        }
        addedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      } catch (IOException | RuntimeException e) {
        e.printStackTrace();
        addedMillis = -2;
      }
    }, "bench-group-adds");
    adding.setDaemon(true);
    adding.start();
    return "adding";
  }

  private List<RaftServer.Division> leading() throws IOException {
    List<RaftServer.Division> leading = new ArrayList<>();
    for (RaftGroupId groupId : server.getGroupIds()) {
      RaftServer.Division division = server.getDivision(groupId);
      if (division.getInfo().isLeader() && division.getInfo().isLeaderReady()) leading.add(division);
    }
    return leading;
  }

  private String status() throws IOException {
    int divisions = 0;
    long terms = 0;
    for (RaftGroupId groupId : server.getGroupIds()) {
      divisions++;
      terms += server.getDivision(groupId).getInfo().getCurrentTerm();
    }
    return "leaders=" + leading().size() + " divisions=" + divisions + " terms=" + terms + " added=" + addedMillis;
  }

  private static String stats() throws IOException {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) direct = pool.getMemoryUsed();
    }
    long rss = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }
    return "threads=" + ManagementFactory.getThreadMXBean().getThreadCount() + " heap=" + heap
        + " direct=" + direct + " rss=" + rss + " cpu=" + cpuNanos();
  }

  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Live threads by kind (the name with group ids, peer ids and numbers replaced), most numerous first:
   * {@code kind:threads:cpuNanos,...}, the CPU time the kind's live threads used since they started.
   */
  private static String threadKinds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, long[]> kinds = new TreeMap<>();
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      String kind = info.getThreadName()
          .replaceAll("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", "G")
          .replaceAll("group-[0-9A-F]{12}", "group-G")
          .replaceAll("\\bn[0-9]\\b", "n")
          .replaceAll("[0-9]+", "#")
          .replaceAll("[ ,:=]", "_");
      long[] counts = kinds.computeIfAbsent(kind, k -> new long[2]);
      counts[0]++;
      counts[1] += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
    }
    return kinds.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .map(e -> e.getKey() + ":" + e.getValue()[0] + ":" + e.getValue()[1])
        .reduce((a, b) -> a + "," + b).orElse("");
  }

  /** The write load of this node, over the groups it leads now. */
  private String write(int seconds, int warmup, int concurrency, int bytes) throws Exception {
    List<RaftServer.Division> leading = leading();
    if (concurrency == 0 || leading.isEmpty()) return "ok=0 errors=0 seconds=" + seconds + " hist=-";
    ByteString payload = ByteString.copyFrom(new byte[bytes]);
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong next = new AtomicLong();
    Map<String, String> firstError = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch done = new CountDownLatch(concurrency);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, 4));
    for (int w = 0; w < concurrency; w++) {
      new Writer(pool, ClientId.randomId(), leading, payload, next, end, measureFrom, histogram, ok, errors,
          firstError, done).submit();
    }
    done.await();
    pool.shutdown();
    ByteBuffer encoded = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    histogram.encodeIntoCompressedByteBuffer(encoded);
    encoded.flip();
    byte[] compressed = new byte[encoded.remaining()];
    encoded.get(compressed);
    return "ok=" + ok.get() + " errors=" + errors.get() + " seconds=" + seconds
        + " hist=" + Base64.getEncoder().encodeToString(compressed)
        + (firstError.isEmpty() ? "" : " error=" + firstError.get("first").replace(' ', '_'));
  }

  /** One writer: one entry in flight, the next group in turn, until the end; latency from submit to reply. */
  private final class Writer {
    private final ExecutorService pool;
    private final ClientId clientId;
    private final List<RaftServer.Division> groups;
    private final ByteString payload;
    private final AtomicLong next;
    private final long end;
    private final long measureFrom;
    private final Histogram histogram;
    private final AtomicLong ok;
    private final AtomicLong errors;
    private final Map<String, String> firstError;
    private final CountDownLatch done;
    private long callId;

    Writer(ExecutorService pool, ClientId clientId, List<RaftServer.Division> groups, ByteString payload, AtomicLong next, long end,
        long measureFrom, Histogram histogram, AtomicLong ok, AtomicLong errors, Map<String, String> firstError,
        CountDownLatch done) {
      this.pool = pool;
      this.clientId = clientId;
      this.groups = groups;
      this.payload = payload;
      this.next = next;
      this.end = end;
      this.measureFrom = measureFrom;
      this.histogram = histogram;
      this.ok = ok;
      this.errors = errors;
      this.firstError = firstError;
      this.done = done;
    }

    void submit() {
      long sent = System.nanoTime();
      if (sent >= end) {
        done.countDown();
        return;
      }
      RaftServer.Division group = groups.get((int) (next.getAndIncrement() % groups.size()));
      RaftClientRequest request = RaftClientRequest.newBuilder()
          .setClientId(clientId)
          .setServerId(id)
          .setGroupId(group.getGroup().getGroupId())
          .setCallId(callId++)
          .setMessage(Message.valueOf(payload))
          .setType(RaftClientRequest.writeRequestType())
          .build();
      CompletableFuture<RaftClientReply> reply;
      try {
        reply = server.submitClientRequestAsync(request);
      } catch (IOException | RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      // The next submit runs on the writers' pool: Ratis's submit blocks its caller until the group's client
      // executor took the request, and a reply completes on Ratis's own threads (the apply thread among them).
      reply.whenCompleteAsync((answer, failure) -> {
        long now = System.nanoTime();
        boolean measured = sent >= measureFrom && now <= end;
        if (failure == null && answer.isSuccess()) {
          if (measured) {
            ok.incrementAndGet();
            synchronized (histogram) {
              histogram.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(now - sent)));
            }
          }
        } else {
          errors.incrementAndGet();
          firstError.putIfAbsent("first", failure != null ? failure.toString() : String.valueOf(answer.getException()));
          // Not at once: a failure may be answered at once, and the next submit would nest in this one.
          CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS, pool).execute(this::submit);
          return;
        }
        submit();
      }, pool);
    }
  }
}
