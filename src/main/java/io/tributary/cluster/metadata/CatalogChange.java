package io.tributary.cluster.metadata;

import io.tributary.stream.AccountSettings;
import io.tributary.stream.ChannelDescriptor;
import io.tributary.stream.StreamCatalog.Contents;
import io.tributary.stream.StreamCatalogFile;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one catalog write changes: the streams, channels and account settings it adds or replaces, and those
 * it removes. A log entry carries this rather than the whole catalog, so that its size follows the change,
 * not the number of streams.
 *
 * <p>JSON: {@code {"put": catalog, "removedStreams": [[account, region, name]], "removedChannels": [arn],
 * "removedAccounts": [[account, region]]}}, where {@code catalog} is streams.json's form of what is put.
 */
record CatalogChange(Contents put, List<StreamKey> removedStreams, List<String> removedChannels,
    List<List<String>> removedAccounts) {

  /**
   * The change from one catalog to the next. A stream counts as changed unless it is the very same
   * descriptor (the registries replace a descriptor whenever they change it); channels and account
   * settings are values.
   */
  static CatalogChange between(Contents before, Contents after) {
    Map<StreamKey, StreamDescriptor> streamsBefore = new HashMap<>();
    for (StreamDescriptor stream : before.streams()) streamsBefore.put(stream.key(), stream);
    List<StreamDescriptor> streams = new ArrayList<>();
    for (StreamDescriptor stream : after.streams()) {
      if (streamsBefore.remove(stream.key()) != stream) streams.add(stream);
    }
    Map<String, ChannelDescriptor> channelsBefore = new HashMap<>();
    for (ChannelDescriptor channel : before.channels()) channelsBefore.put(channel.arn(), channel);
    List<ChannelDescriptor> channels = new ArrayList<>();
    for (ChannelDescriptor channel : after.channels()) {
      if (!Objects.equals(channelsBefore.remove(channel.arn()), channel)) channels.add(channel);
    }
    Map<List<String>, AccountSettings> accountsBefore = new HashMap<>();
    for (AccountSettings settings : before.accounts()) accountsBefore.put(scope(settings), settings);
    List<AccountSettings> accounts = new ArrayList<>();
    for (AccountSettings settings : after.accounts()) {
      if (!Objects.equals(accountsBefore.remove(scope(settings)), settings)) accounts.add(settings);
    }
    return new CatalogChange(new Contents(streams, channels, accounts), List.copyOf(streamsBefore.keySet()),
        List.copyOf(channelsBefore.keySet()), List.copyOf(accountsBefore.keySet()));
  }

  /** The catalog this change makes of {@code before}. */
  Contents applyTo(Contents before) {
    NavigableMap<StreamKey, StreamDescriptor> streams = new TreeMap<>();
    for (StreamDescriptor stream : before.streams()) streams.put(stream.key(), stream);
    removedStreams.forEach(streams::remove);
    for (StreamDescriptor stream : put.streams()) streams.put(stream.key(), stream);
    NavigableMap<String, ChannelDescriptor> channels = new TreeMap<>();
    for (ChannelDescriptor channel : before.channels()) channels.put(channel.arn(), channel);
    removedChannels.forEach(channels::remove);
    for (ChannelDescriptor channel : put.channels()) channels.put(channel.arn(), channel);
    Map<List<String>, AccountSettings> accounts = new LinkedHashMap<>();
    for (AccountSettings settings : before.accounts()) accounts.put(scope(settings), settings);
    removedAccounts.forEach(accounts::remove);
    for (AccountSettings settings : put.accounts()) accounts.put(scope(settings), settings);
    return new Contents(List.copyOf(streams.values()), List.copyOf(channels.values()), List.copyOf(accounts.values()));
  }

  JsonObject toJson() {
    JsonArray streams = new JsonArray();
    for (StreamKey key : removedStreams) streams.add(new JsonArray().add(key.account()).add(key.region()).add(key.name()));
    JsonArray accounts = new JsonArray();
    for (List<String> scope : removedAccounts) accounts.add(new JsonArray(new ArrayList<>(scope)));
    return new JsonObject()
        .put("put", StreamCatalogFile.contentsToJson(put))
        .put("removedStreams", streams)
        .put("removedChannels", new JsonArray(new ArrayList<>(removedChannels)))
        .put("removedAccounts", accounts);
  }

  static CatalogChange fromJson(JsonObject json) {
    List<StreamKey> streams = new ArrayList<>();
    for (Object item : json.getJsonArray("removedStreams")) {
      JsonArray key = (JsonArray) item;
      streams.add(new StreamKey(key.getString(0), key.getString(1), key.getString(2)));
    }
    List<String> channels = new ArrayList<>();
    json.getJsonArray("removedChannels").forEach(arn -> channels.add((String) arn));
    List<List<String>> accounts = new ArrayList<>();
    for (Object item : json.getJsonArray("removedAccounts")) {
      JsonArray scope = (JsonArray) item;
      accounts.add(List.of(scope.getString(0), scope.getString(1)));
    }
    return new CatalogChange(StreamCatalogFile.contentsFromJson(json.getJsonObject("put")), streams, channels, accounts);
  }

  private static List<String> scope(AccountSettings settings) {
    return List.of(settings.account(), settings.region());
  }
}
