package io.tributary.api.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request structure of a hot data call (PutRecords, PutRecord, GetRecords) read with Jackson's
 * streaming parser straight from the body's bytes: no tree, no copy of the body, base64 decoded in one
 * pass by {@link CanonicalBase64}.
 *
 * <p>It takes only the plain, well-formed case and produces exactly the {@link Input} that
 * {@link Shape#decode} would. Anything else answers null and goes the generic way (parse into a tree,
 * {@link Shape#decode}), which words every error as AWS does: a member it does not list, a member given
 * twice, a null, a value of another type, a number that is not a plain int, non-canonical base64, a CBOR
 * tag, content after the document, or a body that does not parse. Members are listed in the order of the
 * operation's {@link Shape}, since an Input keeps that order. Rules are not checked here: the caller runs
 * {@link Shape#validate} on the result as on any decoded input.
 */
public final class StreamedShape {
  enum Kind { STRING, INTEGER, BOOLEAN, BLOB, STRUCTURE_LIST }

  /** One member: its wire name, its type and, for a list of structures, the structure of its elements. */
  public record Field(String name, Kind kind, StreamedShape elements) { }

  private final Field[] fields;

  private StreamedShape(Field[] fields) {
    if (fields.length > 31) throw new IllegalArgumentException("at most 31 members");
    this.fields = fields;
  }

  public static StreamedShape of(Field... fields) {
    return new StreamedShape(fields.clone());
  }

  public static Field string(String name) { return new Field(name, Kind.STRING, null); }

  public static Field integer(String name) { return new Field(name, Kind.INTEGER, null); }

  public static Field bool(String name) { return new Field(name, Kind.BOOLEAN, null); }

  public static Field blob(String name) { return new Field(name, Kind.BLOB, null); }

  public static Field listOf(String name, StreamedShape elements) { return new Field(name, Kind.STRUCTURE_LIST, elements); }

  /** The decoded input, or null when the body must take the generic path. */
  public Input decode(WireFormat format, Buffer body) {
    try (JsonParser parser = parser(format, body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return null;
      Input input = readStructure(parser);
      // Content after the document is left to the generic path, whatever it makes of it.
      return input != null && parser.nextToken() == null ? input : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A parser over the body's own bytes when it has an array behind it (a request body read whole has). */
  private static JsonParser parser(WireFormat format, Buffer body) throws IOException {
    if (body instanceof BufferInternal internal) {
      ByteBuf bytes = internal.getByteBuf();
      if (bytes.hasArray()) {
        return format.factory().createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      }
    }
    return format.factory().createParser(body.getBytes());
  }

  /** The members of an object whose START_OBJECT was just read, up to and including its END_OBJECT. */
  private Input readStructure(JsonParser parser) throws IOException {
    Object[] values = new Object[fields.length];
    int seen = 0;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      int index = indexOf(parser.currentName());
      if (index < 0 || (seen & 1 << index) != 0) return null;
      seen |= 1 << index;
      parser.nextToken();
      if (parser instanceof CBORParser cbor && cbor.getCurrentTag() != -1) return null;
      Object value = readValue(fields[index], parser);
      if (value == null) return null;
      values[index] = value;
    }
    if (token != JsonToken.END_OBJECT) return null;
    Map<String, Object> members = new LinkedHashMap<>();
    for (int i = 0; i < fields.length; i++) {
      if (values[i] != null) members.put(fields[i].name(), values[i]);
    }
    return new Input(members);
  }

  private int indexOf(String name) {
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(name)) return i;
    }
    return -1;
  }

  /** The value the parser stands on, as {@link Shape#decode} converts it; null when it is not the plain case. */
  private static Object readValue(Field field, JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    return switch (field.kind()) {
      case STRING -> token == JsonToken.VALUE_STRING ? parser.getText() : null;
      case BOOLEAN -> token == JsonToken.VALUE_TRUE ? Boolean.TRUE : token == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
      case INTEGER -> token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT
          ? (Object) (long) parser.getIntValue() : null;
      case BLOB -> {
        if (token == JsonToken.VALUE_EMBEDDED_OBJECT && parser instanceof CBORParser) yield parser.getBinaryValue();
        if (token == JsonToken.VALUE_STRING && !(parser instanceof CBORParser)) {
          yield CanonicalBase64.decode(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }
        yield null;
      }
      case STRUCTURE_LIST -> token == JsonToken.START_ARRAY ? readStructures(field.elements(), parser) : null;
    };
  }

  private static List<Input> readStructures(StreamedShape elements, JsonParser parser) throws IOException {
    List<Input> list = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
      if (parser instanceof CBORParser cbor && cbor.getCurrentTag() != -1) return null;
      Input element = elements.readStructure(parser);
      if (element == null) return null;
      list.add(element);
    }
    return token == JsonToken.END_ARRAY ? list : null;
  }
}
