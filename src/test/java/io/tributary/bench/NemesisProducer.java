package io.tributary.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * One producer of a nemesis run: puts records through one node, each record's data a unique id
 * ({@code p<producer>-<counter>}), half the time by PutRecord and half by a PutRecords of 2 to {@code maxBatch}
 * records. The SDK does not retry, so every attempt is either acknowledged or failed; a failed record is counted
 * by its error and never sent again under the same id.
 */
final class NemesisProducer implements Runnable {
  /** How long a producer waits after a failed attempt, so that a dead node is not asked hundreds of times a second. */
  private static final long BACKOFF_MILLIS = 100;

  private final int producer;
  private final int node;
  private final NemesisCluster cluster;
  private final String stream;
  private final int maxBatch;
  private final Duration callTimeout;
  private final Random random;
  private final NemesisLedger ledger;
  private final AtomicBoolean stop;
  private long counter;
  private URI endpoint;
  private KinesisClient client;

  NemesisProducer(int producer, int node, NemesisCluster cluster, String stream, int maxBatch, Duration callTimeout,
      long seed, NemesisLedger ledger, AtomicBoolean stop) {
    this.producer = producer;
    this.node = node;
    this.cluster = cluster;
    this.stream = stream;
    this.maxBatch = maxBatch;
    this.callTimeout = callTimeout;
    this.random = new Random(seed);
    this.ledger = ledger;
    this.stop = stop;
  }

  /** A client that never retries: what it reports is what the one attempt got, within 10 s. */
  static KinesisClient client(URI endpoint) {
    return client(endpoint, Duration.ofSeconds(10));
  }

  /** A client that never retries, whose calls give up after {@code callTimeout}. */
  static KinesisClient client(URI endpoint, Duration callTimeout) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        // The socket read timeout too, or it would end a put waiting in the server before the call timeout does.
        .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(callTimeout))
        // A put to a paused node or one waiting out an election gives up after this long.
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(callTimeout))
        .build();
  }

  @Override
  public void run() {
    try {
      while (!stop.get()) {
        // A restarted node listens on new ports.
        URI current = cluster.node(node).endpoint();
        if (!current.equals(endpoint)) {
          if (client != null) client.close();
          endpoint = current;
          client = client(current, callTimeout);
        }
        boolean ok = maxBatch < 2 || random.nextBoolean() ? putRecord() : putRecords(2 + random.nextInt(maxBatch - 1));
        if (!ok) Thread.sleep(BACKOFF_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (client != null) client.close();
    }
  }

  private String nextId() {
    return "p" + producer + "-" + counter++;
  }

  private boolean putRecord() {
    String id = nextId();
    ledger.attempted(1);
    long sent = System.nanoTime();
    try {
      PutRecordResponse response = client.putRecord(b -> b.streamName(stream).partitionKey(id)
          .data(SdkBytes.fromUtf8String(id)));
      long acked = System.nanoTime();
      ledger.acknowledged(new NemesisLedger.Ack(id, response.shardId(), response.sequenceNumber(), node, sent, acked));
      ledger.called(new NemesisLedger.Call(node, sent, acked, "ok"));
      return true;
    } catch (RuntimeException failed) {
      ledger.failed("PutRecord: " + error(failed), 1);
      ledger.called(new NemesisLedger.Call(node, sent, System.nanoTime(), error(failed)));
      return false;
    }
  }

  private boolean putRecords(int size) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String id = nextId();
      entries.add(PutRecordsRequestEntry.builder().partitionKey(id).data(SdkBytes.fromUtf8String(id)).build());
    }
    ledger.attempted(size);
    long sent = System.nanoTime();
    try {
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
      long acked = System.nanoTime();
      boolean all = true;
      for (int i = 0; i < size; i++) {
        PutRecordsResultEntry result = response.records().get(i);
        if (result.errorCode() == null) {
          ledger.acknowledged(new NemesisLedger.Ack(entries.get(i).data().asUtf8String(), result.shardId(),
              result.sequenceNumber(), node, sent, acked));
        } else {
          ledger.failed("PutRecords entry: " + result.errorCode(), 1);
          all = false;
        }
      }
      ledger.called(new NemesisLedger.Call(node, sent, acked, all ? "ok" : "some entries failed"));
      return all;
    } catch (RuntimeException failed) {
      ledger.failed("PutRecords: " + error(failed), size);
      ledger.called(new NemesisLedger.Call(node, sent, System.nanoTime(), error(failed)));
      return false;
    }
  }

  /** The service's error code and HTTP status, or for a failure on the client's side the innermost exception's class. */
  static String error(Throwable failed) {
    if (failed instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + " (" + service.statusCode() + ")";
    }
    Throwable root = failed;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getClass().getSimpleName();
  }
}
