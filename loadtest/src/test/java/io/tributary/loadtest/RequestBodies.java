package io.tributary.loadtest;

import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** Kinesis JSON request bodies for the simulations. */
final class RequestBodies {

  private RequestBodies() { }

  /** A PutRecords body of {@code count} records of random data, each with a random partition key. */
  static String putRecords(String stream, int count, int recordBytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder body = new StringBuilder(count * (recordBytes * 4 / 3 + 64));
    body.append("{\"StreamName\":\"").append(stream).append("\",\"Records\":[");
    byte[] data = new byte[recordBytes];
    for (int i = 0; i < count; i++) {
      random.nextBytes(data);
      if (i > 0) body.append(',');
      body.append("{\"PartitionKey\":\"key-").append(random.nextInt(1_000_000))
          .append("\",\"Data\":\"").append(Base64.getEncoder().encodeToString(data)).append("\"}");
    }
    return body.append("]}").toString();
  }
}
