package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.annotations.Command;
import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.session.Session;
import dev.telnetkit.shell.AnnotatedCommands;
import dev.telnetkit.shell.CommandCall;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Handler classes with {@code @Command} methods, registered with the Java builder and run over a socket. */
@Timeout(60)
class JavaAnnotatedCommandsTest {
    private static final String PROMPT = "ann> ";

    /** Every signature and return type the annotation allows, and every attribute it has. */
    public static final class Handlers {
        final AtomicInteger pings = new AtomicInteger();

        @Command(names = "ping", summary = "Count a ping.")
        public void ping() {
            pings.incrementAndGet();
        }

        @Command(names = "count", usage = "<words...>", summary = "Count the words.")
        public String count(List<String> args) {
            return args.size() + " words";
        }

        @Command(names = "echo", aliases = {"copy", "repeat"}, usage = "<text to echo>",
            summary = "Echo text back to the console.",
            description = "Writes its parameters back.\nQuote to keep spaces.")
        public void echo(Session session, List<String> args) {
            session.writeResponse(String.join(" ", args));
        }

        @Command(names = "raw", summary = "Show the call.")
        public void raw(CommandCall call) {
            call.writeResponse("name=" + call.getName() + " args=" + call.getArgs() + " raw=[" + call.getRaw().replace("\n", "|") + "]");
        }

        @Command(names = "secret", hidden = true, summary = "A hidden command.")
        public String secret(Session session, List<String> args) {
            return "the secret of session " + session.getId();
        }

        @Command(summary = "Named after the method.")
        public String Shout(List<String> args) {
            return String.join(" ", args).toUpperCase();
        }

        @Command(names = "nothing", summary = "Returns null.")
        public String nothing() {
            return null;
        }

        /** Not annotated: not a command. */
        public String helper() {
            return "helper";
        }
    }

    /** A handler class as Java users often write it: package-private, in its own package's scope. */
    static class PackagePrivateHandlers {
        @Command(names = "hi")
        public String hi() {
            return "hi there";
        }
    }

    public static final class WrongParameter {
        @Command(names = "bad")
        public void takesAString(String text) {
        }
    }

    public static final class WrongListType {
        @Command(names = "bad")
        public void takesIntegers(List<Integer> numbers) {
        }
    }

    public static final class SessionOnly {
        @Command(names = "bad")
        public void sessionWithoutArgs(Session session) {
        }
    }

    public static final class BadReturn {
        @Command(names = "bad")
        public int returnsAnInt() {
            return 1;
        }
    }

    public static final class BadName {
        @Command(names = "two words")
        public void badName() {
        }
    }

    public static final class DuplicateNames {
        @Command(names = "first", aliases = "same")
        public void firstMethod() {
        }

        @Command(names = "same")
        public void secondMethod() {
        }
    }

    public static final class SameNameTwice {
        @Command(names = "twice", aliases = {"again", "TWICE"})
        public void repeated() {
        }
    }

    /** A marked method that is not public: reflection on public methods alone would skip it silently. */
    public static final class PackagePrivateMethod {
        @Command(names = "ok")
        public void fine() {
        }

        @Command(names = "forgotten")
        void forgotten() {
        }
    }

    public static final class PrivateMethod {
        @Command(names = "hidden-away")
        private String hiddenAway() {
            return "never";
        }
    }

    /** A superclass's marked methods count, public or not. */
    public static class BaseHandlers {
        @Command(names = "base", summary = "Declared by the superclass.")
        public String base() {
            return "from the base class";
        }
    }

    public static final class DerivedHandlers extends BaseHandlers {
        @Command(names = "derived")
        public String derived() {
            return "from the subclass";
        }
    }

    public static class ProtectedBase {
        @Command(names = "guarded")
        protected void guarded() {
        }
    }

    public static final class DerivedFromProtected extends ProtectedBase {
        @Command(names = "open")
        public void open() {
        }
    }

    public static final class NoCommands {
        public void notACommand() {
        }
    }

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    private TelnetServer start(Object handlers) throws Exception {
        server = TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(100)).prompt(PROMPT)
            .annotatedCommands(handlers).build().start();
        return server;
    }

    @Test
    void everyAllowedSignatureRunsOverTheWire() throws Exception {
        Handlers handlers = new Handlers();
        start(handlers);
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("ping");
            assertEquals("", client.awaitPrompt(PROMPT));
            client.sendLine("PING");
            client.awaitPrompt(PROMPT);
            assertEquals(2, handlers.pings.get());

            client.sendLine("count a \"b c\" d");
            assertEquals("3 words\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("repeat x   y");
            assertEquals("x y\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("raw one \\");
            client.awaitPrompt("... ");
            client.sendLine("two");
            assertEquals("name=raw args=[one, two] raw=[raw one \\|two]\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("secret");
            assertEquals("the secret of session " + server.getSessions().get(0).getId() + "\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("shout quiet words");
            assertEquals("QUIET WORDS\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("nothing");
            assertEquals("", client.awaitPrompt(PROMPT));
            client.sendLine("helper");
            assertTrue(client.awaitPrompt(PROMPT).startsWith("Unknown command 'helper'."));
        }
    }

    @Test
    void helpShowsTheAnnotationsTexts() throws Exception {
        start(new Handlers());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("help");
            String help = client.awaitPrompt(PROMPT);
            List<String> lines = help.lines().collect(Collectors.toList());
            // Commands come in the order of their methods' names; the built-ins close the list.
            assertEquals(Set.of(
                "count <words...> - Count the words.",
                "echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)",
                "nothing - Returns null.",
                "ping - Count a ping.",
                "raw - Show the call.",
                "shout - Named after the method."), Set.copyOf(lines.subList(0, lines.size() - 2)));
            assertEquals(8, lines.size(), help);
            assertEquals(List.of(
                "help [command] - Show the commands, or describe one. (alias: ?)",
                "bye - End the session. (aliases: exit, quit)"), lines.subList(6, 8));
            assertFalse(help.contains("secret"));

            client.sendLine("help copy");
            assertEquals("echo <text to echo>\r\n\r\nWrites its parameters back.\r\nQuote to keep spaces.\r\n",
                client.awaitPrompt(PROMPT));
            client.sendLine("help secret");
            assertEquals("secret\r\n\r\nA hidden command.\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void aPackagePrivateHandlerClassWorks() throws Exception {
        start(new PackagePrivateHandlers());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("hi");
            assertEquals("hi there\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void annotatedCommandsAreOrdinaryCommands() {
        List<dev.telnetkit.shell.Command> commands = AnnotatedCommands.from(new Handlers());
        assertEquals(Set.of("count", "echo", "nothing", "ping", "raw", "secret", "shout"),
            commands.stream().map(dev.telnetkit.shell.Command::getName).collect(Collectors.toSet()));
        assertEquals(7, commands.size());
        dev.telnetkit.shell.Command echo = find(commands, "echo");
        assertEquals(List.of("copy", "repeat"), echo.getAliases());
        assertEquals("<text to echo>", echo.getUsage());
        assertEquals("Echo text back to the console.", echo.getSummary());
        assertEquals("Writes its parameters back.\nQuote to keep spaces.", echo.getDescription());
        assertTrue(find(commands, "secret").getHidden());
        assertFalse(find(commands, "shout").getHidden());
    }

    private static dev.telnetkit.shell.Command find(List<dev.telnetkit.shell.Command> commands, String name) {
        return commands.stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String registrationError(Object handlers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TelnetServer.builder().annotatedCommands(handlers));
        return e.getMessage();
    }

    @Test
    void mistakesFailAtRegistrationNamingTheMethod() {
        String wrongParameter = registrationError(new WrongParameter());
        assertTrue(wrongParameter.contains("WrongParameter.takesAString"), wrongParameter);
        assertTrue(wrongParameter.contains("(List<String>)"), wrongParameter);

        String wrongList = registrationError(new WrongListType());
        assertTrue(wrongList.contains("WrongListType.takesIntegers"), wrongList);

        String sessionOnly = registrationError(new SessionOnly());
        assertTrue(sessionOnly.contains("SessionOnly.sessionWithoutArgs"), sessionOnly);

        String badReturn = registrationError(new BadReturn());
        assertTrue(badReturn.contains("BadReturn.returnsAnInt"), badReturn);
        assertTrue(badReturn.contains("returns void or String"), badReturn);

        String badName = registrationError(new BadName());
        assertTrue(badName.contains("BadName.badName"), badName);
        assertTrue(badName.contains("'two words'"), badName);

        String duplicate = registrationError(new DuplicateNames());
        assertTrue(duplicate.contains("DuplicateNames.firstMethod"), duplicate);
        assertTrue(duplicate.contains("DuplicateNames.secondMethod"), duplicate);
        assertTrue(duplicate.contains("'same'"), duplicate);

        String twice = registrationError(new SameNameTwice());
        assertTrue(twice.contains("SameNameTwice.repeated"), twice);
        assertTrue(twice.contains("'TWICE'"), twice);

        String none = registrationError(new NoCommands());
        assertTrue(none.contains(NoCommands.class.getName()), none);
        assertTrue(none.contains("@Command"), none);
    }

    @Test
    void aMarkedMethodThatIsNotPublicFailsRegistrationNamingItAndTheFix() {
        String packagePrivate = registrationError(new PackagePrivateMethod());
        assertTrue(packagePrivate.contains("PackagePrivateMethod.forgotten"), packagePrivate);
        assertTrue(packagePrivate.contains("it is package-private") && packagePrivate.contains("make it public"), packagePrivate);

        String privateOne = registrationError(new PrivateMethod());
        assertTrue(privateOne.contains("PrivateMethod.hiddenAway"), privateOne);
        assertTrue(privateOne.contains("it is private") && privateOne.contains("make it public"), privateOne);

        String inherited = registrationError(new DerivedFromProtected());
        assertTrue(inherited.contains("ProtectedBase.guarded"), inherited);
        assertTrue(inherited.contains("it is protected") && inherited.contains("make it public"), inherited);
    }

    @Test
    void markedMethodsOfASuperclassAreCommandsToo() throws Exception {
        assertEquals(List.of("base", "derived"),
            AnnotatedCommands.from(new DerivedHandlers()).stream().map(dev.telnetkit.shell.Command::getName).collect(Collectors.toList()));
        start(new DerivedHandlers());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("base");
            assertEquals("from the base class\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("derived");
            assertEquals("from the subclass\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void anAnnotatedCommandClashingWithABuilderCommandIsRejectedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TelnetServer.builder()
            .command(dev.telnetkit.shell.Command.named("copy").handler((s, a) -> { }))
            .annotatedCommands(new Handlers())
            .build());
        assertTrue(e.getMessage().contains("'copy'") && e.getMessage().contains("'echo'"), e.getMessage());
    }
}
