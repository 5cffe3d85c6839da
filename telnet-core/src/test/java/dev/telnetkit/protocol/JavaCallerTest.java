package dev.telnetkit.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.ServerSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol engine and settings as a Java caller uses them: no Kotlin types in sight. */
class JavaCallerTest {
    @Test
    void encoderAndDecoderAreUsableFromJava() {
        byte[] wire = TelnetEncoder.encodeData("a\nb".getBytes(), false);
        assertArrayEquals(new byte[] {'a', '\r', '\n', 'b'}, wire);

        List<TelnetEvent> events = new ArrayList<>();
        TelnetDecoder decoder = new TelnetDecoder();
        decoder.decode(TelnetEncoder.negotiation(TelnetCommand.WILL, TelnetOption.NAWS), events::add);
        assertEquals(List.of(new TelnetEvent.Negotiation(TelnetCommand.WILL, TelnetOption.NAWS)), events);
        assertEquals("NAWS", TelnetOption.name(TelnetOption.NAWS));
    }

    @Test
    void negotiatorAnswersThroughASinkImplementedInJava() {
        List<String> sent = new ArrayList<>();
        NegotiationSink sink = new NegotiationSink() {
            @Override public void send(int verb, int option) { sent.add(TelnetCommand.name(verb) + " " + TelnetOption.name(option)); }
            @Override public void changed(OptionSide side, int option, boolean enabled) { }
            @Override public void refused(OptionSide side, int option) { }
        };
        OptionNegotiator negotiator = new OptionNegotiator(OptionPolicy.SERVER);
        negotiator.receive(TelnetCommand.DO, TelnetOption.ECHO, sink);
        negotiator.receive(TelnetCommand.WILL, TelnetOption.LINEMODE, sink);
        assertEquals(List.of("WILL ECHO", "DONT LINEMODE"), sent);
        assertTrue(negotiator.isEnabled(OptionSide.LOCAL, TelnetOption.ECHO));
    }

    @Test
    void serverSettingsHaveJavaOverloadsAndSafeDefaults() {
        ServerSettings settings = new ServerSettings();
        assertEquals("127.0.0.1", settings.getHost());
        assertEquals(2323, settings.getPort());
        assertEquals(0, settings.withPort(0).getPort());
    }
}
