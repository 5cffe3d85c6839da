package app;

import dev.telnetkit.testkit.TelnetTestClient;
import dev.telnetkit.testkit.junit.TelnetServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JavaMainTest {
    @RegisterExtension
    static TelnetServerExtension server = TelnetServerExtension.of(() -> JavaMain.myServer(0));

    @Test
    void helloAnswers() {
        TelnetTestClient client = server.connect();
        client.awaitPrompt("> ");
        client.sendLine("hello");
        client.awaitText("Hello from Java!");
    }
}
