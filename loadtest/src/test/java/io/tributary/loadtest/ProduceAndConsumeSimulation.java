package io.tributary.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Producers and consumers of one stream, as applications use Kinesis: PutRecords calls at a set rate
 * (open model: new calls keep coming whatever the answers' latency) and one polling consumer per shard
 * (GetShardIterator LATEST, then GetRecords every poll interval, following NextShardIterator).
 *
 * <p>Parameters (system properties, with defaults): {@code endpoint} http://127.0.0.1:4567, {@code stream}
 * gatling-&lt;time&gt;, {@code shards} 4, {@code putRate} 200 PutRecords calls/s, {@code recordsPerCall} 100,
 * {@code recordBytes} 100, {@code rampSeconds} 10, {@code durationSeconds} 60, {@code pollMillis} 200,
 * {@code maxP99Millis} 500 and {@code maxFailedPercent} 1 (the assertions that fail the run).
 *
 * <p>Requests are JSON over HTTP/1.1 with a well-formed SigV4 header, as the server's default
 * {@code auth.mode=shape} asks; against {@code auth.mode=verify} use the AWS SDK instead.
 */
public class ProduceAndConsumeSimulation extends Simulation {
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String TARGET = "Kinesis_20131202.";

  private final String endpoint = System.getProperty("endpoint", "http://127.0.0.1:4567");
  private final String stream = System.getProperty("stream", "gatling-" + System.currentTimeMillis());
  private final int shards = Integer.getInteger("shards", 4);
  private final int putRate = Integer.getInteger("putRate", 200);
  private final int recordsPerCall = Integer.getInteger("recordsPerCall", 100);
  private final int recordBytes = Integer.getInteger("recordBytes", 100);
  private final int rampSeconds = Integer.getInteger("rampSeconds", 10);
  private final int durationSeconds = Integer.getInteger("durationSeconds", 60);
  private final int pollMillis = Integer.getInteger("pollMillis", 200);
  private final int maxP99Millis = Integer.getInteger("maxP99Millis", 500);
  private final double maxFailedPercent = Double.parseDouble(System.getProperty("maxFailedPercent", "1"));

  private final KinesisAdmin admin = new KinesisAdmin(endpoint);
  /** Request bodies made once: a load generator that builds JSON per call measures itself. */
  private final String[] putRecordsBodies = IntStream.range(0, 64)
      .mapToObj(i -> RequestBodies.putRecords(stream, recordsPerCall, recordBytes)).toArray(String[]::new);

  private final HttpProtocolBuilder protocol = http.baseUrl(endpoint)
      .contentTypeHeader(CONTENT_TYPE)
      .acceptHeader(CONTENT_TYPE)
      .header("X-Amz-Date", KinesisAdmin.AMZ_DATE)
      .header("Authorization", KinesisAdmin.AUTHORIZATION)
      .shareConnections();

  private final ScenarioBuilder producers = scenario("producers")
      .exec(call("PutRecords")
          .body(StringBody(session -> putRecordsBodies[ThreadLocalRandom.current().nextInt(putRecordsBodies.length)]))
          .check(status().is(200), jsonPath("$.FailedRecordCount").ofInt().is(0)));

  private final ScenarioBuilder consumers = scenario("consumers")
      .feed(shardIds())
      .exec(call("GetShardIterator")
          .body(StringBody("{\"StreamName\":\"" + stream + "\",\"ShardId\":\"#{shardId}\",\"ShardIteratorType\":\"LATEST\"}"))
          .check(status().is(200), jsonPath("$.ShardIterator").saveAs("iterator")))
      .during(Duration.ofSeconds(rampSeconds + durationSeconds)).on(
          pace(Duration.ofMillis(pollMillis)).exec(call("GetRecords")
              .body(StringBody("{\"ShardIterator\":\"#{iterator}\",\"Limit\":10000}"))
              .check(status().is(200), jsonPath("$.NextShardIterator").saveAs("iterator"))));

  {
    setUp(
        producers.injectOpen(
            rampUsersPerSec(1).to(putRate).during(Duration.ofSeconds(rampSeconds)),
            constantUsersPerSec(putRate).during(Duration.ofSeconds(durationSeconds))),
        consumers.injectOpen(atOnceUsers(shards)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().percent().lte(maxFailedPercent),
            global().responseTime().percentile(99.0).lt(maxP99Millis));
  }

  @Override
  public void before() {
    admin.createStreamAndWait(stream, shards);
  }

  @Override
  public void after() {
    if (!Boolean.getBoolean("keepStream")) admin.deleteStream(stream);
  }

  private static HttpRequestActionBuilder call(String operation) {
    return http(operation).post("/").header("X-Amz-Target", TARGET + operation);
  }

  private Iterator<Map<String, Object>> shardIds() {
    return IntStream.range(0, shards)
        .<Map<String, Object>>mapToObj(i -> Map.of("shardId", String.format("shardId-%012d", i)))
        .iterator();
  }
}
