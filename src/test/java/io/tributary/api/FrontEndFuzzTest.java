package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.SignedHttp;
import io.tributary.support.SignedHttp.Answer;
import io.tributary.support.TestServer;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Sends {@code fuzz.requests} (100,000) malformed, truncated and mutated requests to a server in
 * {@code auth.mode=verify}, over an HTTP/1.1 connection pool and h2c, and requires a Kinesis error (4xx with
 * {@code __type}, or the front end's XML and plain-JSON answers) for every one, or a 200 for a mutation
 * that happens to be valid, counted apart: never a 5xx, a timeout or a broken connection. Then a
 * well-formed SDK call must still succeed.
 *
 * <p>The inputs are drawn from a {@link Random} with seed {@code fuzz.seed} (printed; override with
 * {@code -Dfuzz.seed=N} to replay a run): JSON and CBOR bodies of real operations with bytes flipped,
 * inserted, deleted or cut (signed after mutation, so they reach the member decoders), real shard
 * iterators with flipped characters, garbage and mutated X-Amz-Target, Content-Type, X-Amz-Date,
 * Authorization and presigned queries (changed after signing, so they reach the SigV4 parser and
 * verifier), and event-stream frames as bodies.
 */
class FrontEndFuzzTest {
  private static final String KEY = "AKIDTEST";
  private static final String SECRET = "secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final String STREAM = "fuzzed";
  private static final int IN_FLIGHT = 128;

  @Test
  void everyMalformedRequestGetsAKinesisError() throws Exception {
    long seed = Long.getLong("fuzz.seed", 20261122L);
    int requests = Integer.getInteger("fuzz.requests", 100_000);
    System.out.println("FrontEndFuzzTest: seed " + seed + ", " + requests + " requests (-Dfuzz.seed, -Dfuzz.requests)");
    try (TestServer server = TestServer.start(Map.of("auth.mode", "verify", "auth.credentials", KEY + ":" + SECRET,
        "storage", "memory", "subscription.lifetime.ms", "1000"));
        SignedHttp http1 = new SignedHttp(server.endpoint(), HttpVersion.HTTP_1_1, 16);
        SignedHttp h2c = new SignedHttp(server.endpoint(), HttpVersion.HTTP_2, 2)) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
      kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("a").data(SdkBytes.fromUtf8String("before")));
      String iterator = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();

      RequestFuzzer fuzzer = new RequestFuzzer(new Random(seed), http1, iterator, KEY, SECRET);
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      Semaphore window = new Semaphore(IN_FLIGHT);
      long started = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        RequestFuzzer.Case fuzzed = fuzzer.next();
        window.acquire();
        SignedHttp client = (i & 1) == 0 ? http1 : h2c;
        client.send(fuzzed.request(), fuzzed.body(), false)
            .timeout(20, TimeUnit.SECONDS)
            .onComplete(result -> {
              String outcome = result.succeeded() ? classify(fuzzed.request().method(), result.result())
                  : "no answer: " + result.cause();
              boolean failed = outcome.startsWith("bad") || outcome.startsWith("no answer");
              outcomes.computeIfAbsent(failed ? "failed" : outcome, k -> new AtomicInteger()).incrementAndGet();
              if (failed && failures.size() < 40) failures.add(outcome + " for " + describe(fuzzed));
              window.release();
            });
      }
      assertTrue(window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS), "every request answered");
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("FrontEndFuzzTest: seed %d, %d requests in %.1f s: %s%n", seed, requests, seconds, outcomes);
      assertEquals(List.of(), failures, "seed " + seed);
      assertEquals(requests, outcomes.values().stream().mapToInt(AtomicInteger::get).sum());

      // Still up and serving: a new stream, a record in, the record out.
      kinesis.createStream(b -> b.streamName("after-fuzzing").shardCount(1));
      kinesis.putRecord(b -> b.streamName("after-fuzzing").partitionKey("a").data(SdkBytes.fromUtf8String("after")));
      String after = kinesis.getShardIterator(b -> b.streamName("after-fuzzing").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      assertEquals("after", kinesis.getRecords(b -> b.shardIterator(after)).records().get(0).data().asUtf8String());
    }
  }

  /** Enough to replay a failure by hand. */
  private static String describe(RequestFuzzer.Case fuzzed) {
    return fuzzed.description() + ", body (base64) " + Base64.getEncoder().encodeToString(fuzzed.body())
        + ", headers " + fuzzed.request().headers() + ", query " + fuzzed.request().rawQueryParameters();
  }

  /** "4xx <type>" or "200" for an acceptable answer; "bad ..." otherwise. */
  private static String classify(SdkHttpMethod method, Answer answer) {
    String body = new String(answer.body(), StandardCharsets.ISO_8859_1);
    if (answer.status() == 200) return "200";
    if (answer.status() < 400 || answer.status() >= 500) return "bad status " + answer.status() + ": " + body;
    // The answer to HEAD is the XML refusal of every method but POST, without its body (HTTP never sends one).
    if (method == SdkHttpMethod.HEAD) return answer.status() + " to HEAD";
    String contentType = String.valueOf(answer.headers().get("Content-Type"));
    if (body.startsWith("<")) {
      return body.contains("Exception") ? answer.status() + " xml" : "bad xml " + answer.status() + ": " + body;
    }
    try {
      JsonNode document = contentType.contains("cbor") ? CBOR.readTree(answer.body()) : JSON.readTree(answer.body());
      String type = document.has("Output") ? document.path("Output").path("__type").asText(null)
          : document.path("__type").asText(null);
      return type == null ? "bad body " + answer.status() + ": " + body : answer.status() + " " + type;
    } catch (Exception e) {
      return "bad body " + answer.status() + ": " + body;
    }
  }
}
