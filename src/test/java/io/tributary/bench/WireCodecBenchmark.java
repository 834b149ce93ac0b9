package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.api.Operation;
import io.tributary.api.operation.PutRecordsHandler;
import io.tributary.api.operation.StreamedInputs;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.Shape;
import io.tributary.api.wire.StreamedShape;
import io.tributary.api.wire.WireFormat;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The wire layer alone, in one thread, in CPU time (so a busy machine slows it less than a load test):
 * decoding a PutRecords body (500 x 100 B) the generic way (tree, Shape.decode, validate) and the streamed
 * way (StreamedShape, validate), and encoding a GetRecords answer (10,000 x 100 B records, sequence numbers
 * already formatted), in JSON and CBOR. Prints nanoseconds of CPU per record.
 *
 * <p>Run: {@code java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
 * io.tributary.bench.WireCodecBenchmark [seconds per case, default 3]}
 */
public final class WireCodecBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile Object sink;

  private WireCodecBenchmark() { }

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    Shape shape = PutRecordsHandler.INPUT;
    StreamedShape streamed = StreamedInputs.of(Operation.PUT_RECORDS);
    System.out.println("case | format | ns CPU per record");
    for (WireFormat format : WireFormat.values()) {
      KinesisWire.useFormat(format == WireFormat.JSON ? "json" : "cbor");
      Buffer body = KinesisWire.putRecords("bench", 500, 100, new SplittableRandom(1));
      byte[] bytes = body.getBytes();
      run("PutRecords decode, generic", format, 500, seconds, () -> {
        JsonNode tree = format.mapper().readTree(bytes);
        Input input = shape.decode(tree, format);
        shape.validate(input);
        return input;
      });
      run("PutRecords decode, streamed", format, 500, seconds, () -> {
        Input input = streamed.decode(format, body);
        shape.validate(input);
        return input;
      });
      byte[][] data = new byte[10_000][];
      SplittableRandom random = new SplittableRandom(2);
      for (int i = 0; i < data.length; i++) {
        data[i] = new byte[100];
        random.nextBytes(data[i]);
      }
      run("GetRecords answer encode", format, data.length, seconds, () -> {
        ResponseWriter writer = new ResponseWriter(format, 2_000_000);
        writer.startObject().startArray("Records");
        for (int i = 0; i < data.length; i++) {
          writer.startObject().field("SequenceNumber", "49546986683135544286507457936321625675700192471156785154")
              .timestamp("ApproximateArrivalTimestamp", 1_764_633_600_000L + i).blob("Data", data[i])
              .field("PartitionKey", "0123456789abcdef").endObject();
        }
        writer.endArray().field("NextShardIterator", "AAAAAAAAAAE").field("MillisBehindLatest", 0).endObject();
        return writer.finish();
      });
    }
  }

  private interface Case {
    Object run() throws Exception;
  }

  private static void run(String name, WireFormat format, int records, double seconds, Case work) throws Exception {
    long warmUntil = System.nanoTime() + (long) (seconds * 0.5e9);
    while (System.nanoTime() < warmUntil) sink = work.run();
    long cpuFrom = THREADS.getCurrentThreadCpuTime();
    long until = System.nanoTime() + (long) (seconds * 1e9);
    long calls = 0;
    while (System.nanoTime() < until) {
      sink = work.run();
      calls++;
    }
    long cpu = THREADS.getCurrentThreadCpuTime() - cpuFrom;
    System.out.printf(Locale.ROOT, "%s | %s | %.0f%n", name, format, (double) cpu / calls / records);
  }
}
