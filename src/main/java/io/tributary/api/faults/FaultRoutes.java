package io.tributary.api.faults;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault rules on the management port, switchable at run time:
 * <ul>
 *   <li>{@code GET /faults}: {@code {"rules": [rule, ...]}};
 *   <li>{@code PUT /faults} with {@code {"rules": [rule, ...], "seed": 42}} (seed optional): replaces the
 *       rules, answers as GET does, or 400 {@code {"message": ...}} for a bad rule;
 *   <li>{@code DELETE /faults}: removes every rule (204).
 * </ul>
 * A rule is {@code {"operation": "PutRecords" | "*", "stream": "name" | "*", "fault":
 * "ProvisionedThroughputExceeded" | "InternalFailure" | "latency", "probability": 0.1, "latencyMs": 200}};
 * operation and stream default to {@code *}, probability to 1; probability is from 0 to 1 and latencyMs from
 * 1 to 60000 (latency rules only). The management router reads the body, within its bound, before these
 * routes run.
 */
public final class FaultRoutes {
  private final FaultInjector faults;

  public FaultRoutes(FaultInjector faults) {
    this.faults = faults;
  }

  public void mount(Router router) {
    router.get("/faults").handler(this::answerRules);
    router.put("/faults").handler(this::replace);
    router.delete("/faults").handler(ctx -> {
      faults.replace(List.of(), null);
      ctx.response().setStatusCode(204).end();
    });
  }

  private void answerRules(RoutingContext ctx) {
    JsonArray rules = new JsonArray();
    for (FaultRule rule : faults.rules()) rules.add(rule.toJson());
    ctx.json(new JsonObject().put("rules", rules));
  }

  private void replace(RoutingContext ctx) {
    List<FaultRule> rules = new ArrayList<>();
    Long seed;
    try {
      JsonObject document = document(ctx.body().buffer());
      JsonArray given = document.getJsonArray("rules", new JsonArray());
      for (int i = 0; i < given.size(); i++) rules.add(FaultRule.fromJson(given.getJsonObject(i)));
      seed = document.getLong("seed");
    } catch (IllegalArgumentException | ClassCastException | DecodeException e) {
      ctx.response().setStatusCode(400);
      ctx.json(new JsonObject().put("message", String.valueOf(e.getMessage())));
      return;
    }
    faults.replace(rules, seed);
    answerRules(ctx);
  }

  private static JsonObject document(Buffer body) {
    Object parsed = body == null || body.length() == 0 ? null : Json.decodeValue(body);
    if (parsed instanceof JsonObject document) return document;
    throw new IllegalArgumentException("the body must be a JSON object: {\"rules\": [rule, ...], \"seed\": 42}");
  }
}
