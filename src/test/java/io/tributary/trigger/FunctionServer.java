package io.tributary.trigger;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A real HTTP function for triggers to call: the JDK's HTTP server on a free loopback port, serving the Lambda
 * invoke path, whose answer a test decides per event. It keeps every event it was sent, in order, with the
 * answer's status, and counts how many invocations ran at once.
 */
final class FunctionServer implements AutoCloseable {
  /** What the function answers: an HTTP status and a JSON body (null: none). */
  record Answer(int status, JsonObject body) {
    static Answer ok() { return new Answer(200, null); }

    static Answer ok(JsonObject body) { return new Answer(200, body); }

    static Answer error() { return new Answer(500, new JsonObject().put("errorMessage", "failed")); }
  }

  /** One invocation: the event, the status answered, and when it arrived (System.nanoTime). */
  record Invocation(JsonObject event, int status, long nanos) {
    List<JsonObject> records() {
      List<JsonObject> records = new ArrayList<>();
      for (Object record : event.getJsonArray("Records")) records.add((JsonObject) record);
      return records;
    }

    /** The records' data, as UTF-8 text. */
    List<String> data() {
      return records().stream().map(FunctionServer::data).toList();
    }

    boolean succeeded() { return status == 200; }
  }

  private final HttpServer server;
  private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private volatile Function<JsonObject, Answer> behaviour = event -> Answer.ok();
  private volatile long delayMillis;

  FunctionServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newFixedThreadPool(32));
    server.createContext("/", exchange -> {
      int now = inFlight.incrementAndGet();
      mostInFlight.accumulateAndGet(now, Math::max);
      try {
        JsonObject event = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (delayMillis > 0) Thread.sleep(delayMillis);
        Answer answer = behaviour.apply(event);
        invocations.add(new Invocation(event, answer.status(), System.nanoTime()));
        byte[] body = answer.body() == null ? new byte[0] : answer.body().encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) exchange.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
        exchange.close();
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/2015-03-31/functions/test-function/invocations";
  }

  void answer(Function<JsonObject, Answer> value) { behaviour = value; }

  void delay(long millis) { delayMillis = millis; }

  List<Invocation> invocations() { return List.copyOf(invocations); }

  List<Invocation> successes() { return invocations.stream().filter(Invocation::succeeded).toList(); }

  /** The data of every record in successful invocations, in the order delivered. */
  List<String> delivered() {
    return successes().stream().flatMap(invocation -> invocation.data().stream()).toList();
  }

  int mostInFlight() { return mostInFlight.get(); }

  static String data(JsonObject record) {
    return new String(Base64.getDecoder().decode(record.getJsonObject("kinesis").getString("data")), StandardCharsets.UTF_8);
  }

  static List<String> data(JsonArray records) {
    List<String> data = new ArrayList<>();
    for (Object record : records) data.add(data((JsonObject) record));
    return data;
  }

  /** Waits up to the bound for the condition; the caller asserts what it needs afterwards. */
  static void await(Duration bound, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(20);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
