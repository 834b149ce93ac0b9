package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the mirrors of {@link MirrorCatalog} and answers the management requests that {@link MirrorRoutes}
 * sends to {@value #ADDRESS}: JSON {@code {"action": list|status|create|pause|resume|delete|compare, "name":
 * ..., "definition": {...}}}, answered with JSON or failed with an HTTP status as failure code. With no
 * mirror, no Kafka client is ever created.
 */
public final class BridgeVerticle extends VerticleBase {
  public static final String ADDRESS = "tributary.mirrors";

  private final Services services;
  private final KafkaClientSettings kafka;
  private final Map<String, Mirror> mirrors = new LinkedHashMap<>();
  private MirrorCatalog catalog;
  private Path mirrorsDir;
  private MessageConsumer<JsonObject> requests;

  public BridgeVerticle(Services services) {
    this.services = services;
    this.kafka = new KafkaClientSettings(services.settings());
  }

  @Override
  public Future<?> start() {
    Settings settings = services.settings();
    mirrorsDir = "file".equals(settings.string("storage")) ? settings.path("data.dir").resolve("mirrors") : null;
    String file = settings.string("mirrors.file");
    Path configFile = file.isEmpty() ? null : Path.of(file);
    return services.pools().control().executeBlocking(() -> MirrorCatalog.load(configFile, mirrorsDir, settings.string("account"),
        settings.string("region")), false).map(loaded -> {
          catalog = loaded;
          for (MirrorDefinition definition : catalog.all()) launch(definition);
          requests = vertx.eventBus().localConsumer(ADDRESS, this::handle);
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> stopping = new ArrayList<>();
    for (Mirror mirror : mirrors.values()) stopping.add(mirror.stop(true));
    if (requests != null) requests.unregister();
    return Future.join(stopping);
  }

  private void launch(MirrorDefinition definition) {
    Mirror mirror = definition.direction() == MirrorDefinition.Direction.STREAM_TO_TOPIC
        ? new StreamToTopicMirror(services, kafka, definition)
        : new TopicToStreamMirror(services, kafka, definition, mirrorsDir);
    mirrors.put(definition.name(), mirror);
    mirror.start();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject request = message.body();
    Future<Object> answer;
    try {
      answer = answer(request.getString("action"), request.getString("name"), request.getJsonObject("definition"));
    } catch (MirrorRequestException e) {
      answer = Future.failedFuture(e);
    }
    answer.onSuccess(message::reply).onFailure(failure -> message.fail(
        failure instanceof MirrorRequestException refused ? refused.status() : 500, String.valueOf(failure.getMessage())));
  }

  private Future<Object> answer(String action, String name, JsonObject definition) {
    return switch (action) {
      case "list" -> {
        JsonArray list = new JsonArray();
        for (Mirror mirror : mirrors.values()) list.add(mirror.status());
        yield Future.succeededFuture(new JsonObject().put("mirrors", list));
      }
      case "status" -> Future.succeededFuture(find(name).status());
      case "create" -> create(definition);
      case "pause" -> setPaused(find(name), true);
      case "resume" -> setPaused(find(name), false);
      case "delete" -> delete(find(name));
      case "compare" -> StreamTopicComparison.compare(services, kafka, find(name).definition(), find(name).status())
          .map(report -> (Object) report);
      default -> throw new MirrorRequestException(400, "unknown action " + action);
    };
  }

  private Mirror find(String name) {
    Mirror mirror = mirrors.get(name);
    if (mirror == null) throw new MirrorRequestException(404, "no mirror named " + name);
    return mirror;
  }

  private Future<Object> create(JsonObject json) {
    MirrorDefinition definition;
    try {
      definition = MirrorDefinition.fromJson(json == null ? new JsonObject() : json,
          services.settings().string("account"), services.settings().string("region"));
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new MirrorRequestException(400, e.getMessage());
    }
    if (mirrors.containsKey(definition.name())) {
      throw new MirrorRequestException(409, "a mirror named " + definition.name() + " exists");
    }
    catalog.put(definition);
    return save().map(v -> {
      launch(definition);
      return mirrors.get(definition.name()).status();
    });
  }

  private Future<Object> setPaused(Mirror mirror, boolean paused) {
    if (paused) mirror.pause(); else mirror.resume();
    catalog.put(mirror.definition());
    return save().map(v -> mirror.status());
  }

  private Future<Object> delete(Mirror mirror) {
    String name = mirror.definition().name();
    if (catalog.isConfigured(name)) {
      throw new MirrorRequestException(409, "mirror " + name + " is defined in " + services.settings().string("mirrors.file")
          + "; remove it there");
    }
    mirrors.remove(name);
    catalog.remove(name);
    return mirror.stop(true).compose(v -> save()).map(v -> new JsonObject().put("deleted", name));
  }

  private Future<Void> save() {
    JsonObject snapshot = catalog.snapshot();
    return services.pools().control().executeBlocking(() -> {
      catalog.save(snapshot);
      return null;
    }, true);
  }

  /** A management request refused, with the HTTP status to answer. */
  static final class MirrorRequestException extends RuntimeException {
    private final int status;

    MirrorRequestException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    int status() { return status; }
  }
}
