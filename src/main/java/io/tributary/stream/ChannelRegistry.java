package io.tributary.stream;

import io.tributary.api.KinesisException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every channel, by ARN. As in {@link StreamRegistry}, readers take the current immutable snapshot without
 * locking and every change goes through one writer (the methods here are serialised).
 */
public final class ChannelRegistry {
  private volatile NavigableMap<String, ChannelDescriptor> channels = Collections.emptyNavigableMap();

  public ChannelDescriptor find(String arn) {
    return channels.get(arn);
  }

  /** The channels of an account and region, by name. */
  public List<ChannelDescriptor> list(String account, String region) {
    return channels.values().stream()
        .filter(channel -> channel.account().equals(account) && channel.region().equals(region))
        .sorted(Comparator.comparing(ChannelDescriptor::name))
        .toList();
  }

  /** The channels that read this stream, whatever their state. */
  public List<ChannelDescriptor> reading(StreamDescriptor stream) {
    return channels.values().stream().filter(channel -> channel.reads(stream)).toList();
  }

  public List<ChannelDescriptor> all() {
    return List.copyOf(channels.values());
  }

  /** Puts back channels kept from an earlier run, before the server takes calls. */
  public synchronized void restore(List<ChannelDescriptor> kept) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(channels);
    for (ChannelDescriptor channel : kept) next.put(channel.arn(), channel);
    channels = Collections.unmodifiableNavigableMap(next);
  }

  /** Adds a new channel, failing when its name is taken in its account and region. */
  public synchronized void add(ChannelDescriptor channel) {
    for (ChannelDescriptor existing : channels.values()) {
      if (existing.name().equals(channel.name()) && existing.account().equals(channel.account())
          && existing.region().equals(channel.region())) {
        throw KinesisException.resourceInUse("Channel " + channel.name() + " under account " + channel.account()
            + " already exists.");
      }
    }
    publish(channel);
  }

  /** Replaces a channel with what the change makes of it; null when it is gone. */
  public synchronized ChannelDescriptor update(String arn, UnaryOperator<ChannelDescriptor> change) {
    ChannelDescriptor current = channels.get(arn);
    if (current == null) return null;
    ChannelDescriptor changed = change.apply(current);
    publish(changed);
    return changed;
  }

  public synchronized void remove(String arn) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(channels);
    next.remove(arn);
    channels = Collections.unmodifiableNavigableMap(next);
  }

  private void publish(ChannelDescriptor channel) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(channels);
    next.put(channel.arn(), channel);
    channels = Collections.unmodifiableNavigableMap(next);
  }
}
