package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordTextTest {

  private static RecordText of(String text) {
    return RecordText.of(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jsonObjectsAndArraysArePrettyPrinted() {
    RecordText object = of(" {\"a\":1,\"b\":[true,null]} ");
    assertEquals("json", object.kind());
    assertTrue(object.text().contains("\"a\" : 1"), object.text());
    assertEquals("json", of("[1,2]").kind());
  }

  @Test
  void textThatOnlyLooksLikeJsonOrIsNotJsonIsText() {
    assertEquals("text", of("{not json").kind());
    assertEquals("text", of("42").kind(), "a bare number reads better as text");
    assertEquals(new RecordText("text", "héllo\tworld\n", false), of("héllo\tworld\n"));
  }

  @Test
  void bytesThatAreNotUtf8OrHoldControlCharactersAreHex() {
    assertEquals(new RecordText("hex", "c3 28", false), RecordText.of(new byte[] {(byte) 0xc3, 0x28}));
    assertEquals(new RecordText("hex", "61 00 62", false), RecordText.of(new byte[] {'a', 0, 'b'}));
  }

  @Test
  void aLongRecordIsCutAtACharacterBoundary() {
    String text = "é".repeat(RecordText.SHOWN_BYTES);  // two bytes each: the cut falls inside a character or after one
    RecordText shown = RecordText.of(("a" + text).getBytes(StandardCharsets.UTF_8));
    assertEquals("text", shown.kind());
    assertTrue(shown.cut());
    assertTrue(shown.text().getBytes(StandardCharsets.UTF_8).length <= RecordText.SHOWN_BYTES);
    assertFalse(shown.text().contains("\uFFFD"));
    RecordText hex = RecordText.of(new byte[RecordText.SHOWN_BYTES + 10]);
    assertEquals("hex", hex.kind());
    assertTrue(hex.cut());
    assertEquals(RecordText.SHOWN_BYTES * 3 - 1, hex.text().length());
  }
}
