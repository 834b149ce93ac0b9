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

  /** Length as AWS measures it: characters of a string, bytes of a blob, entries of a list or map. */
  private static int length(Object value) {
    if (value instanceof String s) return s.codePointCount(0, s.length());
    if (value instanceof byte[] b) return b.length;
    if (value instanceof List<?> l) return l.size();
    if (value instanceof Map<?, ?> m) return m.size();
    return 0;
  }
}
