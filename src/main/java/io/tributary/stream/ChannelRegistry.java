package io.tributary.stream;

import io.tributary.DomainException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every channel, by ARN. As in {@link StreamRegistry}, readers see the published snapshot without locking,
 * and the {@link MetadataWriter} makes changes to a staged one that is published once the catalog holds it.
 */
public final class ChannelRegistry {
  private volatile NavigableMap<String, ChannelDescriptor> channels = Collections.emptyNavigableMap();
  private NavigableMap<String, ChannelDescriptor> staged = channels;

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

  synchronized List<ChannelDescriptor> stagedChannels() {
    return List.copyOf(staged.values());
  }

  /** Puts back channels kept from an earlier run, before the server takes calls. */
  public synchronized void restore(List<ChannelDescriptor> kept) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(staged);
    for (ChannelDescriptor channel : kept) next.put(channel.arn(), channel);
    staged = Collections.unmodifiableNavigableMap(next);
    publish();
  }

  /** Makes these channels, and no other, what readers see. Only by the {@link MetadataWriter}, between its changes. */
  synchronized void replace(List<ChannelDescriptor> kept) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>();
    for (ChannelDescriptor channel : kept) next.put(channel.arn(), channel);
    staged = Collections.unmodifiableNavigableMap(next);
    publish();
  }

  synchronized NavigableMap<String, ChannelDescriptor> mark() {
    return staged;
  }

  synchronized void reset(NavigableMap<String, ChannelDescriptor> mark) {
    staged = mark;
  }

  synchronized void publish() {
    channels = staged;
  }

  synchronized void discard() {
    staged = channels;
  }

  /** Adds a new channel, failing when its name is taken in its account and region. Only within a change. */
  synchronized void add(ChannelDescriptor channel) {
    for (ChannelDescriptor existing : staged.values()) {
      if (existing.name().equals(channel.name()) && existing.account().equals(channel.account())
          && existing.region().equals(channel.region())) {
        throw DomainException.inUse("Channel " + channel.name() + " under account " + channel.account()
            + " already exists.");
      }
    }
    stage(channel);
  }

  /** Replaces a channel with what the change makes of it; null when it is gone. Only within a change. */
  synchronized ChannelDescriptor update(String arn, UnaryOperator<ChannelDescriptor> change) {
    ChannelDescriptor current = staged.get(arn);
    if (current == null) return null;
    ChannelDescriptor changed = change.apply(current);
    stage(changed);
    return changed;
  }

  /** Only within a change. */
  synchronized void remove(String arn) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(staged);
    next.remove(arn);
    staged = Collections.unmodifiableNavigableMap(next);
  }

  private void stage(ChannelDescriptor channel) {
    NavigableMap<String, ChannelDescriptor> next = new TreeMap<>(staged);
    next.put(channel.arn(), channel);
    staged = Collections.unmodifiableNavigableMap(next);
  }
}
