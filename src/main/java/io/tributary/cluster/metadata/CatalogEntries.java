package io.tributary.cluster.metadata;

import io.tributary.shard.ShardOwnership;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalogFile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The metadata group's messages, as UTF-8 JSON. A log entry is one catalog write, based on a version:
 * {@code {"base": version, "change": change}} with what it changes ({@link CatalogChange}), or
 * {@code {"base": version, "contents": catalog}} with the whole catalog when the writer's base is not the
 * catalog it knows, where {@code catalog} is streams.json's form ({@link StreamCatalogFile#contentsToJson}),
 * or {@code {"base": version, "ownership": ownership}} with the whole shard ownership ({@link OwnershipJson}).
 * {@code {"base": -1}} changes nothing (no catalog is at version -1): a member that starts writes one (see
 * {@link MetadataGroup}). {@code {"base": -1, "document": name, "value": json}} writes a shared document
 * whatever the version ({@link DocumentWriter}; a null value removes it), and leaves the version as it is. Its outcome is {@code {"applied": true, "version": n}}, or,
 * when the group no longer held {@code base}, {@code {"applied": false, "version": n, "contents": catalog}}
 * with what it holds instead.
 */
final class CatalogEntries {
  private CatalogEntries() { }

  /** A write of the catalog, compared with the version it is based on: whole contents, or a change. */
  record Write(long base, JsonObject contents, JsonObject change, JsonObject ownership, String document,
      JsonObject value) { }

  /** What became of a write. */
  record Outcome(boolean applied, long version, JsonObject contents) { }

  static Message write(long base, StreamCatalog.Contents contents) {
    return message(new JsonObject().put("base", base).put("contents", StreamCatalogFile.contentsToJson(contents)));
  }

  /** A write no catalog takes. */
  static Message noop() {
    return message(new JsonObject().put("base", -1L));
  }

  static Message document(String name, JsonObject value) {
    return message(new JsonObject().put("base", -1L).put("document", name).put("value", value));
  }

  static Message change(long base, CatalogChange change) {
    return message(new JsonObject().put("base", base).put("change", change.toJson()));
  }

  static Message ownership(long base, ShardOwnership ownership) {
    return message(new JsonObject().put("base", base).put("ownership", OwnershipJson.toJson(ownership)));
  }

  static Write write(ByteString entry) {
    JsonObject json = json(entry);
    return new Write(json.getLong("base"), json.getJsonObject("contents"), json.getJsonObject("change"),
        json.getJsonObject("ownership"), json.getString("document"), json.getJsonObject("value"));
  }

  static Message applied(long version) {
    return message(new JsonObject().put("applied", true).put("version", version));
  }

  static Message refused(long version, JsonObject contents) {
    return message(new JsonObject().put("applied", false).put("version", version).put("contents", contents));
  }

  static Outcome outcome(ByteString reply) {
    JsonObject json = json(reply);
    return new Outcome(json.getBoolean("applied"), json.getLong("version"), json.getJsonObject("contents"));
  }

  private static Message message(JsonObject json) {
    return Message.valueOf(ByteString.copyFrom(json.toBuffer().getBytes()));
  }

  private static JsonObject json(ByteString bytes) {
    return new JsonObject(Buffer.buffer(bytes.toByteArray()));
  }
}
