package io.tributary.console;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How the console shows a record's data: {@code json} (pretty-printed) when it is UTF-8 text that parses as a
 * JSON object or array, {@code text} when it is other UTF-8 text without control characters but tab and
 * newlines, {@code hex} otherwise. At most {@link #SHOWN_BYTES} of the data are shown.
 */
record RecordText(String kind, String text, boolean cut) {
  static final int SHOWN_BYTES = 4096;

  static RecordText of(byte[] data) {
    int shown = Math.min(data.length, SHOWN_BYTES);
    boolean cut = shown < data.length;
    String text = utf8(data, shown);
    if (text != null && printable(text)) {
      String trimmed = text.strip();
      if (!cut && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
        try {
          Object parsed = io.vertx.core.json.Json.decodeValue(trimmed);
          String pretty = parsed instanceof JsonObject object ? object.encodePrettily()
              : ((io.vertx.core.json.JsonArray) parsed).encodePrettily();
          return new RecordText("json", pretty, false);
        } catch (RuntimeException notJson) {
          // text that only looks like JSON
        }
      }
      return new RecordText("text", text, cut);
    }
    return new RecordText("hex", HexFormat.ofDelimiter(" ").formatHex(data, 0, shown), cut);
  }

  /** The bytes as UTF-8, or null when they are not; a character cut at the end of a shortened record is dropped. */
  private static String utf8(byte[] data, int length) {
    int end = length;
    if (length < data.length) {
      while (end > 0 && end > length - 3 && (data[end] & 0xC0) == 0x80) end--;  // back to a character's start
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, 0, end)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean printable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') return false;
    }
    return true;
  }

  JsonObject toJson() {
    return new JsonObject().put("kind", kind).put("text", text).put("cut", cut);
  }
}
