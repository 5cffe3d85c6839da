package dev.telnetkit.ansi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ANSI toolkit as a Java caller uses it: builders, static factories, no Kotlin types in sight. */
class AnsiJavaCallerTest {
    @Test
    void detectsTheLevelAndStepsColoursDown() {
        assertEquals(ColorLevel.PALETTE256, ColorLevel.detect(List.of("xterm-256color")));
        assertEquals(ColorLevel.TRUECOLOR, ColorLevel.detect(List.of("xterm-256color"), Map.of(), Map.of("COLORTERM", "24bit")));
        assertEquals(ColorLevel.ATTRIBUTES_ONLY, ColorLevel.detect(List.of("vt100")));
        AnsiColor orange = AnsiColor.rgb(255, 128, 0);
        assertEquals(AnsiColor.indexed(208), orange.stepDown(ColorLevel.PALETTE256));
        assertEquals("48;5;208", orange.sgr(ColorLevel.PALETTE256, true));
        assertEquals("33", orange.sgr(ColorLevel.BASIC16));
    }

    @Test
    void buildsStyledTextWithThePen() {
        AnsiText text = AnsiText.builder()
            .bold().foreground(AnsiColor.rgb(255, 0, 0)).text("alert")
            .plain().text(" ok")
            .build();
        assertEquals("\u001b[0;1;38;5;196malert\u001b[0m ok", text.render(ColorLevel.PALETTE256));
        assertEquals("alert ok", text.render(ColorLevel.NONE));
    }

    @Test
    void screenControlAndBoxes() {
        assertEquals("\u001b[3;4H", ScreenControl.ANSI.moveTo(3, 4));
        assertEquals("", ScreenControl.forLevel(ColorLevel.NONE).hideCursor());
        Box box = Box.builder().border(BorderStyle.DOUBLE).title("Hi").build();
        assertEquals(List.of("╔ Hi ╗", "║text║", "╚════╝"), box.render(List.of("text"), 80));
        assertEquals(List.of("+ Hi +", "|text|", "+----+"), box.render(List.of("text"), 80, StandardCharsets.US_ASCII, false));
        assertEquals("  ab  ", TextFit.center("ab", 6));
    }

    @Test
    void cp437AndArt() {
        assertEquals('☺', Cp437.glyph(0x01));
        assertTrue(Cp437.isCp437Terminal(List.of("syncterm"), StandardCharsets.UTF_8));
        assertFalse(Cp437.isCp437Terminal(List.of("xterm"), StandardCharsets.UTF_8));
        AnsiArt art = AnsiArt.of(new byte[] {(byte) 0xDB, 0x1A, 'x'});
        assertArrayEquals(new byte[] {(byte) 0xDB}, art.getBytes());
        assertEquals("█", art.render(ColorLevel.NONE));
        assertEquals("x", AnsiStripper.strip("\u001b[1mx"));
        assertEquals("\u001b[1mx", SgrStepDown.apply("\u001b[1;31mx", ColorLevel.ATTRIBUTES_ONLY));
    }
}
