package io.tributary.api.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.api.KinesisException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input structure of an operation: its members in the order AWS's front end checks them.
 *
 * <p>A request is taken in two passes, as AWS does: {@link #decode} converts every member to its declared
 * type and fails with the first SerializationException; {@link #validate} then checks every rule and fails
 * with one ValidationException listing up to ten violations. Members not in the shape are ignored and a
 * null member counts as absent.
 */
public final class Shape {
  private static final int MAX_VALIDATION_ERRORS = 10;
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  /** Beyond every number member (and beyond a long), so a larger number acts as this one. */
  private static final BigDecimal HUGE = BigDecimal.TEN.pow(30);
  /** Floors to -1, as every negative number closer to 0 than 10^-30 does. */
  private static final BigDecimal TINY_NEGATIVE = BigDecimal.valueOf(-1, 30);
  private static final int MAX_DIGITS = 1000;

  private final List<Member> members;

  private Shape(List<Member> members) {
    this.members = members;
  }

  public static Shape of(Member... members) {
    return new Shape(List.of(members));
  }

  // ---- pass 1: types -------------------------------------------------------------------------------

  public Input decode(JsonNode node, WireFormat format) {
    if (node == null || !node.isObject()) throw KinesisException.bare("SerializationException");
    return new Input(decodeStructure(node, format));
  }

  private Map<String, Object> decodeStructure(JsonNode node, WireFormat format) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Member member : members) {
      JsonNode value = node.get(member.name);
      if (value == null || value.isNull()) continue;
      values.put(member.name, decodeValue(member, value, format));
    }
    return values;
  }

  private static Object decodeValue(Member member, JsonNode value, WireFormat format) {
    MemberType type = member.type;
    switch (type) {
      case LIST -> {
        if (value.isObject()) throw structureNotExpected();
        if (!value.isArray()) throw KinesisException.serialization("Expected list or null");
        List<Object> list = new ArrayList<>(value.size());
        for (JsonNode element : value) {
          if (element.isNull()) {
            list.add(null);
          } else if (member.structure != null) {
            if (element.isArray()) throw listNotExpected();
            if (!element.isObject()) throw KinesisException.serialization("Expected null");
            list.add(new Input(member.structure.decodeStructure(element, format)));
          } else {
            list.add(decodeValue(member.element, element, format));
          }
        }
        return list;
      }
      case MAP -> {
        if (value.isArray()) throw listNotExpected();
        if (!value.isObject()) throw KinesisException.serialization("Expected map or null");
        Map<String, String> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> entry = fields.next();
          JsonNode v = entry.getValue();
          map.put(entry.getKey(), v.isNull() ? null : (String) decodeScalar(MemberType.STRING, v, format));
        }
        return map;
      }
      case STRUCTURE -> {
        if (value.isArray()) throw listNotExpected();
        if (!value.isObject()) throw KinesisException.serialization("Expected null");
        return new Input(member.structure.decodeStructure(value, format));
      }
      default -> {
        return decodeScalar(type, value, format);
      }
    }
  }

  private static Object decodeScalar(MemberType type, JsonNode value, WireFormat format) {
    if (value.isArray()) throw listNotExpected();
    if (value.isObject()) throw structureNotExpected();
    return switch (type) {
      case STRING -> {
        if (value.isTextual()) yield value.textValue();
        throw cannotConvert(value, "an String");
      }
      case BOOLEAN -> {
        if (value.isBoolean()) yield value.booleanValue();
        if (value.isTextual()) {
          throw KinesisException.serialization(
              "'" + QuotedValue.of(value.textValue()).toUpperCase(Locale.ROOT) + "' can not be converted to an Boolean");
        }
        throw cannotConvert(value, "an Boolean");
      }
      case INTEGER, LONG -> {
        if (value.isNumber()) {
          BigDecimal floored = number(value, "an " + type.javaName).setScale(0, RoundingMode.FLOOR);
          if (type == MemberType.LONG) yield clampedLong(floored);
          // AWS caps integers given out of range rather than rejecting them.
          if (floored.compareTo(INT_MAX) > 0) yield (long) Integer.MAX_VALUE;
          if (floored.compareTo(INT_MIN) < 0) yield (long) Integer.MIN_VALUE;
          yield floored.longValue();
        }
        throw cannotConvert(value, "an " + type.javaName);
      }
      case BLOB -> {
        if (value.isBinary()) {
          try {
            yield value.binaryValue();
          } catch (java.io.IOException e) {
            throw KinesisException.bare("SerializationException");
          }
        }
        if (value.isTextual()) yield Base64Text.decode(value.textValue());
        throw cannotConvert(value, "a Blob");
      }
      case TIMESTAMP -> {
        if (value.isNumber()) {
          // CBOR timestamps are epoch milliseconds (tag 1), JSON ones epoch seconds with a fraction.
          BigDecimal number = number(value, "milliseconds since epoch");
          yield clampedLong(format == WireFormat.CBOR
              ? number.setScale(0, RoundingMode.FLOOR)
              : number.movePointRight(3).setScale(0, RoundingMode.FLOOR));
        }
        throw cannotConvert(value, "milliseconds since epoch");
      }
      default -> throw new IllegalStateException("not a scalar: " + type);
    };
  }

  /**
   * A number as a decimal that is cheap to floor and scale, whatever was sent: infinities (a JSON
   * {@code 1e999} read as a double) and magnitudes beyond {@link #HUGE} become ±HUGE, nonzero magnitudes
   * below 10^-30 act as 0 (negative ones as {@link #TINY_NEGATIVE}), and NaN (a CBOR float) and numbers of
   * more than {@link #MAX_DIGITS} digits (a giant CBOR bignum) are refused as values that cannot be converted.
   */
  private static BigDecimal number(JsonNode value, String target) {
    if (value.isFloatingPointNumber() && !value.isBigDecimal()) {
      double d = value.doubleValue();
      if (Double.isNaN(d)) throw cannotConvert(value, target);
      if (Double.isInfinite(d)) return d > 0 ? HUGE : HUGE.negate();
    }
    BigDecimal decimal = value.decimalValue();
    if (decimal.signum() == 0) return BigDecimal.ZERO;
    if (decimal.precision() > MAX_DIGITS) throw cannotConvert(value, target);
    long magnitude = (long) decimal.precision() - decimal.scale();
    if (magnitude > 30) return decimal.signum() > 0 ? HUGE : HUGE.negate();
    if (magnitude < -30) return decimal.signum() > 0 ? BigDecimal.ZERO : TINY_NEGATIVE;
    return decimal.scale() > 60 ? decimal.setScale(60, RoundingMode.FLOOR) : decimal;
  }

  private static long clampedLong(BigDecimal integral) {
    if (integral.compareTo(LONG_MAX) > 0) return Long.MAX_VALUE;
    if (integral.compareTo(LONG_MIN) < 0) return Long.MIN_VALUE;
    return integral.longValue();
  }

  private static KinesisException cannotConvert(JsonNode value, String target) {
    String source = value.isBoolean() ? "java.lang.Boolean"
        : value.isNumber() ? "com.amazon.coral.value.json.numbers.TruncatingBigNumber"
        : value.isTextual() ? "java.lang.String"
        : "java.nio.HeapByteBuffer";
    return KinesisException.serialization("class " + source + " can not be converted to " + target);
  }

  private static KinesisException listNotExpected() {
    return KinesisException.serialization("Start of list found where not expected");
  }

  private static KinesisException structureNotExpected() {
    return KinesisException.serialization("Start of structure or map found where not expected.");
  }

  // ---- pass 2: rules -------------------------------------------------------------------------------

  public void validate(Input input) {
    Violations errors = new Violations();
    validateStructure(input, null, errors);
    if (!errors.refuse()) return;
    int size = errors.texts.size();
    String count = size == 1 ? "1 validation error detected: " : size + " validation errors detected: ";
    throw KinesisException.client("ValidationException", count + String.join("; ", errors.texts));
  }

  /**
   * The violations found so far, up to ten. Some refuse the request only beside others (a member the
   * stream may waive, see {@link Member#listedWithOthers}): they are listed in their place then.
   */
  private static final class Violations {
    final List<String> texts = new ArrayList<>();
    int waivable;

    boolean full() { return texts.size() >= MAX_VALIDATION_ERRORS; }

    void add(String text) { texts.add(text); }

    void addWaivable(String text) {
      texts.add(text);
      waivable++;
    }

    boolean refuse() { return texts.size() > waivable; }
  }

  /**
   * Where a member sits in the request, as AWS names it ({@code records.3.member.partitionKey}); built
   * into text only when a rule fails, since a valid PutRecords has hundreds of places.
   */
  private record Place(Place parent, String name, int listIndex) {
    Place member(String memberPath) {
      return new Place(this, memberPath, 0);
    }

    Place element(int index) {
      return new Place(this, null, index);
    }

    @Override
    public String toString() {
      String own = name != null ? name : listIndex + ".member";
      return parent == null ? own : parent + "." + own;
    }
  }

  private void validateStructure(Input input, Place parent, Violations errors) {
    for (Member member : members) {
      Place place = parent == null ? new Place(null, member.path, 0) : parent.member(member.path);
      Object value = input.raw(member.name);
      if (value == null && !errors.full()) {
        if (member.requiredUnless != null && input.raw(member.requiredUnless) == null) {
          errors.add("Value null at '" + place + "' failed to satisfy constraint: Member must not be null");
        } else if (member.listedWithOthers) {
          errors.addWaivable("Value null at '" + place + "' failed to satisfy constraint: Member must not be null");
        }
      }
      validateMember(member, value, place, errors);
    }
  }

  private static void validateMember(Member member, Object value, Place place, Violations errors) {
    for (Constraint constraint : member.constraints) {
      if (errors.full()) return;
      String violation = constraint.violation(value);
      if (violation != null) {
        errors.add("Value " + printed(member, value) + " at '" + place + "' failed to satisfy constraint: " + violation);
      }
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Object element = list.get(i);
        if (member.structure != null && element instanceof Input nested) {
          member.structure.validateStructure(nested, place.element(i + 1), errors);
        } else if (member.element != null) {
          validateMember(member.element, element, place.element(i + 1), errors);
        }
      }
    } else if (value instanceof Input nested && member.structure != null) {
      member.structure.validateStructure(nested, place, errors);
    }
  }

  /** A value as AWS's Java front end prints it in a validation message, cut to a bounded length. */
  private static String printed(Member member, Object value) {
    if (value == null) return "null";
    return "'" + QuotedValue.of(text(member, value)) + "'";
  }

  /** The value's text, built only up to a little past the quoting bound. */
  private static String text(Member member, Object value) {
    StringBuilder text = new StringBuilder();
    appendText(text, member, value);
    return text.toString();
  }

  private static void appendText(StringBuilder text, Member member, Object value) {
    if (value instanceof byte[] bytes) {
      text.append("java.nio.HeapByteBuffer[pos=0 lim=").append(bytes.length).append(" cap=").append(bytes.length).append(']');
    } else if (value instanceof List<?> list) {
      text.append('[');
      for (int i = 0; i < list.size() && text.length() <= QuotedValue.MAX_CHARS; i++) {
        if (i > 0) text.append(", ");
        Object element = list.get(i);
        if (member.elementText != null) {
          text.append(member.elementText);
        } else if (member.element != null && element != null) {
          appendText(text, member.element, element);
        } else {
          text.append(element);
        }
      }
      text.append(']');
    } else if (value instanceof Map<?, ?> map) {
      List<String> items = new ArrayList<>();
      new TreeMap<>(map).forEach((k, v) -> items.add(k + "=" + v));
      text.append('{').append(String.join(", ", items)).append('}');
    } else {
      text.append(value);
    }
  }
}
