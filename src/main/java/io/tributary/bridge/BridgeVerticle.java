package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.config.Settings;
import io.tributary.stream.SharedDocuments;
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
 *
 * <p>In a cluster, the mirrors created through the management port and every mirror's paused flag are the
 * cluster's: each is a shared document ({@link SharedDocuments}) named {@code mirror/<name>}, JSON
 * {@code {"definition": {...}, "paused": bool}} ({@code definition} only for a mirror created through the port),
 * which every node follows: a mirror created, paused, resumed or deleted through any node is so on all of
 * them, also on a node that was down meanwhile. Each node runs every mirror, standing by where it is not home.
 */
public final class BridgeVerticle extends VerticleBase {
  public static final String ADDRESS = "tributary.mirrors";

  private final Services services;
  private final KafkaClientSettings kafka;
  private final Map<String, Mirror> mirrors = new LinkedHashMap<>();
  private MirrorCatalog catalog;
  private Path mirrorsDir;
  private MessageConsumer<JsonObject> requests;
  /** The cluster's documents, where the mirrors' definitions and paused flags are kept; null on a single node. */
  private SharedDocuments shared;
  private static final String DOCUMENT_PREFIX = "mirror/";

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
    shared = services.sharedDocuments();
    // In a cluster the kept mirrors are the cluster's documents, not a file of this node's.
    Path keptDir = shared == null ? mirrorsDir : null;
    return services.pools().control().executeBlocking(() -> MirrorCatalog.load(configFile, keptDir, settings.string("account"),
        settings.string("region")), false).map(loaded -> {
          catalog = loaded;
          if (shared == null) {
            for (MirrorDefinition definition : catalog.all()) launch(definition);
          } else {
            shared.follow(context, this::follow);
            follow(shared.current());
          }
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

  /**
   * Runs the mirrors the cluster's documents name, as they say: starts those not running here, stops those
   * deleted, and pauses or resumes those whose flag changed.
   */
  private void follow(Map<String, JsonObject> documents) {
    Map<String, MirrorDefinition> wanted = new LinkedHashMap<>();
    for (MirrorDefinition definition : catalog.configured()) wanted.put(definition.name(), definition);
    documents.forEach((name, document) -> {
      if (!name.startsWith(DOCUMENT_PREFIX)) return;
      String mirror = name.substring(DOCUMENT_PREFIX.length());
      MirrorDefinition definition = wanted.get(mirror);
      JsonObject created = document.getJsonObject("definition");
      if (definition == null && created != null) {
        definition = MirrorDefinition.fromJson(created, services.settings().string("account"),
            services.settings().string("region"));
      }
      if (definition != null) wanted.put(mirror, definition.withPaused(document.getBoolean("paused", false)));
    });
    for (String name : new ArrayList<>(mirrors.keySet())) {
      if (!wanted.containsKey(name)) {
        catalog.remove(name);
        mirrors.remove(name).stop(true);
      }
    }
    wanted.forEach((name, definition) -> {
      catalog.put(definition);
      Mirror running = mirrors.get(name);
      if (running == null) {
        launch(definition);
      } else if (definition.paused() != running.definition().paused()) {
        if (definition.paused()) running.pause(); else running.resume();
      }
    });
  }

  /** Writes a mirror's document (null: removes it) and runs the mirrors as the documents then say. */
  private Future<Void> share(String name, JsonObject document) {
    return shared.put(DOCUMENT_PREFIX + name, document).onSuccess(v -> follow(shared.current()));
  }

  /** A mirror's document: its definition if it was created through the port, and its paused flag. */
  private JsonObject documentOf(MirrorDefinition definition) {
    JsonObject document = new JsonObject().put("paused", definition.paused());
    if (!catalog.isConfigured(definition.name())) document.put("definition", definition.withPaused(false).toJson());
    return document;
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
    if (shared != null) {
      return share(definition.name(), documentOf(definition)).compose(v -> {
        Mirror created = mirrors.get(definition.name());
        return created != null ? Future.succeededFuture(created.status())
            : Future.failedFuture(new MirrorRequestException(409, "mirror " + definition.name() + " was deleted meanwhile"));
      });
    }
    catalog.put(definition);
    return save().map(v -> {
      launch(definition);
      return mirrors.get(definition.name()).status();
    });
  }

  private Future<Object> setPaused(Mirror mirror, boolean paused) {
    if (shared != null) {
      return share(mirror.definition().name(), documentOf(mirror.definition().withPaused(paused))).map(v -> mirror.status());
    }
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
    if (shared != null) return share(name, null).map(v -> new JsonObject().put("deleted", name));
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
