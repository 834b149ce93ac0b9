package io.tributary.trigger;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The /triggers routes of a server's management port, through a real HTTP client. */
final class TriggerApi {
  /** A status and the JSON body. */
  record Reply(int status, JsonObject body, String errorType) { }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  TriggerApi(int managementPort) {
    this.base = "http://127.0.0.1:" + managementPort + "/triggers";
  }

  Reply create(JsonObject body) { return send("POST", "", body); }

  Reply get(String uuid) { return send("GET", "/" + uuid, null); }

  Reply list(String query) { return send("GET", query, null); }

  Reply update(String uuid, JsonObject body) { return send("PUT", "/" + uuid, body); }

  Reply pause(String uuid) { return send("POST", "/" + uuid + "/pause", null); }

  Reply resume(String uuid) { return send("POST", "/" + uuid + "/resume", null); }

  Reply delete(String uuid) { return send("DELETE", "/" + uuid, null); }

  /** Creates a trigger and returns its UUID; fails unless the server took it. */
  String created(JsonObject body) {
    Reply reply = create(body);
    if (reply.status() != 202) throw new AssertionError("create answered " + reply);
    return reply.body().getString("UUID");
  }

  /** The Status member of a trigger's GetEventSourceMapping answer. */
  JsonObject status(String uuid) {
    return get(uuid).body().getJsonObject("Status");
  }

  private Reply send(String method, String path, JsonObject body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json")
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonObject json = response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
      return new Reply(response.statusCode(), json, response.headers().firstValue("x-amzn-ErrorType").orElse(null));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
