package io.tributary.api.wire;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One rule of a member, checked against the decoded value. {@link #violation} returns the rule's text as
 * AWS words it ("Member must ...") when the value breaks it, or null.
 */
public interface Constraint {

  String violation(Object value);

  static Constraint notNull() {
    return value -> value == null ? "Member must not be null" : null;
  }

  static Constraint pattern(String regex) {
    Pattern compiled = Pattern.compile(regex);
    return value -> value instanceof String s && !compiled.matcher(s).matches()
        ? "Member must satisfy regular expression pattern: " + regex : null;
  }

  static Constraint minLength(int min) {
    return value -> value != null && length(value) < min
        ? "Member must have length greater than or equal to " + min : null;
  }

  static Constraint maxLength(int max) {
    return value -> value != null && length(value) > max
        ? "Member must have length less than or equal to " + max : null;
  }

  static Constraint minValue(long min) {
    return value -> value instanceof Number n && n.longValue() < min
        ? "Member must have value greater than or equal to " + min : null;
  }

  static Constraint maxValue(long max) {
    return value -> value instanceof Number n && n.longValue() > max
        ? "Member must have value less than or equal to " + max : null;
  }

  static Constraint oneOf(List<String> allowed) {
    String text = "Member must satisfy enum value set: [" + String.join(", ", allowed) + "]";
    return value -> value instanceof String s && !allowed.contains(s) ? text : null;
  }

  /** Every element of a list is one of the values; AWS words a rule on a list's elements as a nested rule. */
  static Constraint eachOneOf(List<String> allowed) {
    String text = "Member must satisfy constraint: [Member must satisfy enum value set: ["
        + String.join(", ", allowed) + "]]";
    return value -> {
      if (!(value instanceof List<?> list)) return null;
      for (Object element : list) {
        if (element != null && !allowed.contains(element)) return text;
      }
      return null;
    };
  }

  /**
   * Every element of a list of strings has a length within the bounds; AWS reports the whole list, with
   * the element rule quoted in brackets.
   */
  static Constraint elementLengths(int min, int max) {
    String text = "Member must satisfy constraint: " + lengthRules(min, max);
    return value -> value instanceof List<?> list && !list.stream().allMatch(e -> within(e, min, max)) ? text : null;
  }

  /** Every key of a map has a length within the bounds. */
  static Constraint keyLengths(int min, int max) {
    String text = "Map keys must satisfy constraint: " + lengthRules(min, max);
    return value -> value instanceof Map<?, ?> map && !map.keySet().stream().allMatch(k -> within(k, min, max)) ? text : null;
  }

  /** Every value of a map has a length within the bounds. */
  static Constraint valueLengths(int min, int max) {
    String text = "Map value must satisfy constraint: " + lengthRules(min, max);
    return value -> value instanceof Map<?, ?> map && !map.values().stream().allMatch(v -> within(v, min, max)) ? text : null;
  }

  private static String lengthRules(int min, int max) {
    return "[Member must have length less than or equal to " + max + ", Member must have length greater than or equal to "
        + min + "]";
  }

  private static boolean within(Object value, int min, int max) {
    if (value == null) return true;
    int length = length(value);
    return length >= min && length <= max;
  }

  /** Length as AWS measures it: characters of a string, bytes of a blob, entries of a list or map. */
  private static int length(Object value) {
    if (value instanceof String s) return s.codePointCount(0, s.length());
    if (value instanceof byte[] b) return b.length;
    if (value instanceof List<?> l) return l.size();
    if (value instanceof Map<?, ?> m) return m.size();
    return 0;
  }
}
