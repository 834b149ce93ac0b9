package io.tributary.trigger;

import io.tributary.Services;
import io.tributary.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the triggers of {@link TriggerCatalog} and answers the management requests that {@link TriggerRoutes}
 * sends to {@value #ADDRESS}: JSON {@code {"action": list|get|create|update|enable|disable|delete, "uuid":
 * ..., "body": {...}}}, answered with JSON or failed with the HTTP status as failure code and
 * {@code <error type>\n<message>} as message. A change is made durable in the catalog before it is applied;
 * at start, checkpoint files of triggers no longer in the catalog (a delete cut short) are removed.
 */
public final class TriggerVerticle extends VerticleBase {
  public static final String ADDRESS = "tributary.triggers";
  private static final long STOP_WAIT_MILLIS = 5_000;

  private final Services services;
  private final TriggerSettings settings;
  private final Map<String, Trigger> triggers = new LinkedHashMap<>();
  private TriggerCatalog catalog;
  private Path directory;
  private HttpClient client;
  private FunctionInvoker invoker;
  private MessageConsumer<JsonObject> requests;

  public TriggerVerticle(Services services) {
    this.services = services;
    this.settings = TriggerSettings.from(services.settings());
  }

  @Override
  public Future<?> start() {
    Settings config = services.settings();
    directory = "file".equals(config.string("storage")) ? config.path("data.dir").resolve("triggers") : null;
    String file = config.string("triggers.file");
    Path configFile = file.isEmpty() ? null : Path.of(file);
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true).setMaxInitialLineLength(8192))
        .with(new PoolOptions().setHttp1MaxSize(settings.connections()).setMaxWaitQueueSize(100_000))
        .build();
    invoker = new FunctionInvoker(client, settings.invokeTimeoutMillis());
    long now = services.clock().millis();
    return services.pools().control().executeBlocking(() -> {
      TriggerCatalog loaded = TriggerCatalog.load(configFile, directory, now);
      removeOrphanCheckpoints(loaded);
      return loaded;
    }, false).compose(loaded -> {
      catalog = loaded;
      List<Future<Void>> started = new ArrayList<>();
      for (TriggerDefinition definition : catalog.all()) started.add(launch(definition));
      requests = vertx.eventBus().localConsumer(ADDRESS, this::handle);
      return Future.all(started);
    });
  }

  private void removeOrphanCheckpoints(TriggerCatalog loaded) {
    if (directory == null || !Files.isDirectory(directory)) return;
    List<String> known = loaded.all().stream().map(TriggerDefinition::uuid).toList();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path path : files.toList()) {
        String name = path.getFileName().toString();
        if (name.endsWith(".checkpoints.json") && !known.contains(name.substring(0, name.length() - ".checkpoints.json".length()))) {
          Files.delete(path);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> stopping = new ArrayList<>();
    for (Trigger trigger : triggers.values()) stopping.add(trigger.stop());
    if (requests != null) requests.unregister();
    // Invocations under way may run to the invoke timeout; a stopping server does not wait that long for them.
    return Future.join(stopping).timeout(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS).otherwiseEmpty()
        .eventually(() -> client == null ? Future.succeededFuture() : client.close());
  }

  private Future<Void> launch(TriggerDefinition definition) {
    Trigger trigger = new Trigger(services, settings, invoker, directory, definition);
    triggers.put(definition.uuid(), trigger);
    return trigger.start();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject request = message.body();
    Future<Object> answer;
    try {
      answer = answer(request.getString("action"), request.getString("uuid"), request.getJsonObject("body"));
    } catch (TriggerRequestException e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(message::reply).onFailure(failure -> {
      if (failure instanceof TriggerRequestException refused) {
        message.fail(refused.status(), refused.type() + "\n" + refused.getMessage());
      } else {
        message.fail(500, "ServiceException\n" + failure.getMessage());
      }
    });
  }

  private Future<Object> answer(String action, String uuid, JsonObject body) {
    return switch (action) {
      case "list" -> Future.succeededFuture(list(body == null ? new JsonObject() : body));
      case "get" -> Future.succeededFuture(find(uuid).status());
      case "create" -> create(body == null ? new JsonObject() : body);
      case "update" -> update(find(uuid), body == null ? new JsonObject() : body);
      case "enable" -> update(find(uuid), new JsonObject().put("Enabled", true));
      case "disable" -> update(find(uuid), new JsonObject().put("Enabled", false));
      case "delete" -> delete(find(uuid));
      default -> throw TriggerRequestException.invalidParameter("unknown action " + action);
    };
  }

  /** ListEventSourceMappings, optionally filtered by EventSourceArn and FunctionName (name or ARN). */
  private JsonObject list(JsonObject filter) {
    String arn = filter.getString("EventSourceArn");
    String function = filter.getString("FunctionName");
    JsonArray mappings = new JsonArray();
    for (Trigger trigger : triggers.values()) {
      TriggerDefinition definition = trigger.definition();
      if (arn != null && !arn.equals(definition.eventSourceArn())) continue;
      if (function != null && !function.equals(definition.functionName()) && !function.equals(definition.functionArn())) continue;
      mappings.add(trigger.status());
    }
    return new JsonObject().put("EventSourceMappings", mappings);
  }

  private Trigger find(String uuid) {
    Trigger trigger = uuid == null ? null : triggers.get(uuid);
    if (trigger == null) throw TriggerRequestException.notFound(uuid);
    return trigger;
  }

  private Future<Object> create(JsonObject body) {
    JsonObject json = body.copy();
    json.put("UUID", UUID.randomUUID().toString());
    TriggerDefinition definition = TriggerDefinition.fromJson(json, services.clock().millis());
    for (Trigger existing : triggers.values()) {
      TriggerDefinition other = existing.definition();
      boolean sameTarget = java.util.Objects.equals(other.functionArn(), definition.functionArn())
          && java.util.Objects.equals(other.targetUrl(), definition.targetUrl());
      if (other.eventSourceArn().equals(definition.eventSourceArn()) && sameTarget) {
        throw TriggerRequestException.conflict("An event source mapping with Kinesis arn \" " + definition.eventSourceArn()
            + " \" and function \" " + (definition.functionName() != null ? definition.functionName() : definition.targetUrl())
            + " \" already exists. Please update or delete the existing mapping with UUID " + other.uuid());
      }
    }
    catalog.put(definition);
    return save()
        .compose(v -> launch(definition))
        .map(v -> (Object) triggers.get(definition.uuid()).status().put("State", "Creating"));
  }

  private Future<Object> update(Trigger trigger, JsonObject body) {
    TriggerDefinition.checkUpdatable(body);
    TriggerDefinition before = trigger.definition();
    if (catalog.isConfigured(before.uuid()) && !body.fieldNames().stream().allMatch(member -> member.equals("Enabled") || member.equals("UUID"))) {
      throw TriggerRequestException.conflict("Trigger " + before.uuid() + " is defined in " + services.settings().string("triggers.file")
          + "; change it there (only Enabled can change here)");
    }
    TriggerDefinition changed = before.with(body, services.clock().millis());
    String state = changed.enabled() == before.enabled() ? "Updating" : changed.enabled() ? "Enabling" : "Disabling";
    catalog.put(changed);
    return save()
        .compose(v -> trigger.update(changed))
        .map(v -> (Object) trigger.status().put("State", state));
  }

  private Future<Object> delete(Trigger trigger) {
    String uuid = trigger.definition().uuid();
    if (catalog.isConfigured(uuid)) {
      throw TriggerRequestException.conflict("Trigger " + uuid + " is defined in " + services.settings().string("triggers.file")
          + "; remove it there");
    }
    catalog.remove(uuid);
    JsonObject answer = trigger.status().put("State", "Deleting");
    return save()
        .compose(v -> {
          triggers.remove(uuid);
          return trigger.stop();
        })
        .compose(v -> trigger.forget())
        .map(v -> (Object) answer);
  }

  private Future<Void> save() {
    JsonObject snapshot = catalog.snapshot();
    return services.pools().control().executeBlocking(() -> {
      catalog.save(snapshot);
      return null;
    }, true);
  }
}
