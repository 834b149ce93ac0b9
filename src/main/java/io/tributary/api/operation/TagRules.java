package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.ResponseWriter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * AWS's rules for tags on streams and consumers, and how tags are answered.
 *
 * <p>The request shape checks lengths (key 1–128, value 0–256). The rest is checked once the resource is
 * found, in AWS's order: characters outside Unicode letters, digits, spaces and {@code _ . / = + - % @ :}
 * (one message for all operations); then {@code %}, which the first check lets through but the resource
 * refuses (a message naming the action); then the reserved {@code aws:} prefix; then the limit of 50
 * tags per resource, counting the tags it already has.
 */
final class TagRules {
  static final int MAX_TAGS = 50;
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N}\\p{Zs}_.:/=+\\-@%]*");

  private TagRules() { }

  /** A TagMap member: 1 to 200 entries (more than a resource may hold; the limit is checked later). */
  static Member tagMap(String name) {
    return Member.map(name).length(1, 200).keyLength(1, 128).valueLength(0, 256);
  }

  /** A TagKeyList member: 1 to 50 keys. */
  static Member tagKeyList(String name) {
    return Member.listOf(name, Member.string("member")).length(1, 50).elementLength(1, 128);
  }

  /**
   * Checks tags about to be added to a resource that has {@code existing}. {@code failure} begins AWS's
   * sentence ("Failed to add tags to stream s under account a"); {@code kind} names the resource ("stream")
   * and {@code statedLimit} is the limit the message states.
   */
  static void checkAdd(Map<String, String> tags, Map<String, String> existing, String failure, String kind,
      int statedLimit) {
    checkCharacters(tags.keySet(), tags.values(), failure);
    for (String key : tags.keySet()) {
      if (key.startsWith("aws:")) {
        throw KinesisException.invalidArgument(failure + " because some tag keys start with the reserved prefix 'aws:'.");
      }
    }
    Set<String> all = new HashSet<>(existing.keySet());
    all.addAll(tags.keySet());
    if (all.size() > MAX_TAGS) {
      throw KinesisException.invalidArgument(failure + " because a given " + kind + " cannot have more than "
          + statedLimit + " tags associated with it.");
    }
  }

  /** Checks the keys of tags about to be removed; {@code failure} as for {@link #checkAdd}. */
  static void checkRemove(Collection<String> keys, String failure) {
    checkCharacters(keys, List.of(), failure);
  }

  private static void checkCharacters(Collection<String> keys, Collection<String> values, String failure) {
    boolean percent = false;
    for (Collection<String> texts : List.of(keys, values)) {
      for (String text : texts) {
        if (text == null) continue;
        if (!ALLOWED.matcher(text).matches()) {
          throw KinesisException.invalidArgument("Some tags contain invalid characters. Valid characters: "
              + "Unicode letters, digits, white space, _ . / = + - % @ :.");
        }
        percent |= text.indexOf('%') >= 0;
      }
    }
    if (percent) {
      throw KinesisException.invalidArgument(failure + " because some tags contained illegal characters. The allowed "
          + "characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.");
    }
  }

  /** Tags as a request gives them, with a value left out (null) taken as empty. */
  static Map<String, String> given(Map<String, String> tags) {
    Map<String, String> copy = new TreeMap<>();
    tags.forEach((key, value) -> copy.put(key, value == null ? "" : value));
    return copy;
  }

  /** Writes a TagList, sorted by key as AWS lists tags. */
  static void write(ResponseWriter writer, Map<String, String> tags) {
    writer.startArray("Tags");
    new TreeMap<>(tags).forEach((key, value) -> writer.startObject().field("Key", key).field("Value", value).endObject());
    writer.endArray();
  }
}
