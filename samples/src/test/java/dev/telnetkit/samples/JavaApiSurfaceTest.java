package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.session.SessionHandler;
import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.ssh.SshSettings;
import dev.telnetkit.session.Session;
import dev.telnetkit.shell.CommandCall;
import dev.telnetkit.testkit.TelnetTestClient;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kotlin.Metadata;
import kotlin.jvm.JvmClassMappingKt;
import kotlin.reflect.KFunction;
import kotlin.reflect.KVisibility;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Java caller sees of TelnetKit: every public class of telnet-core (all of
 * {@code dev.telnetkit.protocol}, {@code terminal}, {@code session}, {@code shell}, {@code server},
 * {@code annotations}) and of telnet-testkit (the test client Java tests use), found by listing the
 * classes of their jars or class directories, so a new class is checked without being added here.
 * No public method, constructor or field Java can call may take or return a Kotlin function type,
 * {@code kotlin.Unit} or {@code kotlin.coroutines.Continuation}.
 *
 * <p>Left out, because javac cannot use them: members hidden with {@code @JvmSynthetic}
 * (ACC_SYNTHETIC) and compiler-made bridges such as {@code $default}; Kotlin {@code internal}
 * classes and constructors (public in bytecode, so Kotlin's own metadata is read to tell), and
 * internal members (their names are mangled with a {@code $}). telnet-dsl is not scanned: the
 * {@code telnetServer { }} DSL is the Kotlin face, and {@code TelnetServer.builder()} is Java's.
 */
class JavaApiSurfaceTest {
    /** One class of each jar a Java user builds against; the rest of the jar is found beside it. */
    private static final List<Class<?>> ANCHORS = List.of(TelnetServer.class, TelnetTestClient.class, SshSettings.class,
        dev.telnetkit.screens.Screens.class, dev.telnetkit.accounts.Accounts.class, dev.telnetkit.zmodem.ZModem.class,
        dev.telnetkit.chat.ChatRooms.class, dev.telnetkit.pty.OsShell.class, dev.telnetkit.mud.Gmcp.class,
        dev.telnetkit.recording.AsciicastRecorder.class,
        dev.telnetkit.web.WebSettings.class,
        dev.telnetkit.metrics.TelnetMetrics.class);

    /**
     * Kotlin's DSL faces in the jars scanned: like telnet-dsl, they are for Kotlin only; Java uses
     * the builders ({@code SshSettings.builder()}).
     */
    private static final Set<String> KOTLIN_DSL = Set.of("dev.telnetkit.ssh.SshDslKt", "dev.telnetkit.ssh.SshScope",
        "dev.telnetkit.screens.ScreensDslKt", "dev.telnetkit.screens.ScreensScope", "dev.telnetkit.screens.ScreenScope",
        "dev.telnetkit.accounts.AccountsDslKt", "dev.telnetkit.chat.ChatDslKt",
        "dev.telnetkit.pty.OsShellDslKt", "dev.telnetkit.pty.OsShellScope",
        "dev.telnetkit.recording.RecordingDslKt", "dev.telnetkit.recording.RecordingScope",
        "dev.telnetkit.web.WebDslKt", "dev.telnetkit.web.WebScope", "dev.telnetkit.web.WebAdminScope",
        "dev.telnetkit.metrics.MetricsDslKt", "dev.telnetkit.metrics.MetricsScope", "dev.telnetkit.metrics.PrometheusScope");

    /**
     * Kotlin-only members that stay visible to Java, each with why it cannot be hidden. Each is the
     * single abstract suspend method of a Kotlin extension point (or the shell's implementation of
     * one): Kotlin lambdas implement it, so it cannot be synthetic. Java never implements or calls
     * it; it uses the static {@code blocking} factory of the same interface (checked below) and
     * gets an instance to pass around.
     */
    private static final Map<String, String> ALLOWED = Map.of(
        "shell.CommandHandler.run", "suspend handler; Java: CommandHandler.blocking(BlockingCommandHandler)",
        "shell.SessionHook.run", "suspend hook; Java: SessionHook.blocking(BlockingSessionHook)",
        "shell.Authenticator.authenticate", "suspend check; Java: Authenticator.blocking(BlockingAuthenticator)",
        "shell.Registration.register", "suspend sign-up; Java: Registration.blocking(BlockingRegistration)",
        "session.SessionHandler.handle", "suspend session; Java: SessionHandler.blocking(BlockingSessionHandler)",
        "shell.CommandShell.handle", "implements SessionHandler.handle; Java passes a CommandShell to new TelnetServer(..)");

    /**
     * The transport interface and input triggers (marked {@code @EngineApi}): transports and the
     * protocols that take a session's input over (ZModem) are written in Kotlin; Java code selects a
     * transport ({@code Transport.nio()}, {@code new KtorTransport()}) but never calls these.
     */
    private static final Set<String> ENGINE_SPI = Set.of(
        "transport.Transport.listen", "transport.Connection.open", "transport.Connection.shutdownOutput",
        "transport.Listener.close", "testkit.InMemoryTransport.listen", "ssh.SshTransport.listen", "web.WebTransport.listen",
        "shell.LoginLockout.attempt", "session.InputTrigger.triggered");

    private static List<Class<?>> facing;

    @BeforeAll
    static void findClasses() throws Exception {
        List<Class<?>> found = new ArrayList<>();
        for (Class<?> anchor : ANCHORS) {
            for (String name : classNames(anchor)) {
                Class<?> type = Class.forName(name, false, anchor.getClassLoader());
                if (isPublicApi(type) && !KOTLIN_DSL.contains(type.getName())) found.add(type);
            }
        }
        found.sort(Comparator.comparing(Class::getName));
        facing = found;
    }

    /** The names of the classes under {@code dev/telnetkit} in the jar or directory [anchor] came from. */
    private static List<String> classNames(Class<?> anchor) throws IOException, URISyntaxException {
        Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> entries;
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root.resolve("dev/telnetkit"))) {
                entries = files.map(f -> root.relativize(f).toString().replace('\\', '/')).collect(Collectors.toList());
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                entries = jar.stream().map(JarEntry::getName).collect(Collectors.toList());
            }
        }
        return entries.stream()
            .filter(n -> n.startsWith("dev/telnetkit/") && n.endsWith(".class"))
            .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
            .collect(Collectors.toList());
    }

    /** Public to Java and to Kotlin: not synthetic, not internal, and so is every class around it. */
    private static boolean isPublicApi(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) return false;
            Metadata metadata = c.getAnnotation(Metadata.class);
            if (metadata == null) continue;
            if (metadata.k() == 3) return false; // a class the Kotlin compiler made (lambdas, when-mappings)
            if (metadata.k() == 1 && JvmClassMappingKt.getKotlinClass(c).getVisibility() != KVisibility.PUBLIC) return false;
        }
        return true;
    }

    private static boolean isKotlinOnly(Type type) {
        String name = type.getTypeName();
        return name.contains("kotlin.jvm.functions.Function")
            || name.contains("kotlin.Unit")
            || name.contains("kotlin.coroutines.Continuation");
    }

    /** False for Kotlin internal (and private) functions and constructors; true when Kotlin has no say. */
    private static boolean kotlinPublic(Executable executable) {
        try {
            KFunction<?> function = executable instanceof Method
                ? ReflectJvmMapping.getKotlinFunction((Method) executable)
                : ReflectJvmMapping.getKotlinFunction((Constructor<?>) executable);
            if (function == null || function.getVisibility() == null) return true;
            return function.getVisibility() == KVisibility.PUBLIC || function.getVisibility() == KVisibility.PROTECTED;
        } catch (RuntimeException | Error e) {
            return true; // not mappable: count it as visible, so nothing escapes the check
        }
    }

    private static boolean visibleToJava(Executable member) {
        boolean bridge = member instanceof Method && ((Method) member).isBridge();
        return (Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers()))
            && !member.isSynthetic() && !bridge && !member.getName().contains("$") && kotlinPublic(member);
    }

    /** `protocol.TelnetProtocol` for dev.telnetkit.protocol.TelnetProtocol; nested classes with dots. */
    private static String shortName(Class<?> type) {
        return type.getName().substring("dev.telnetkit.".length()).replace('$', '.');
    }

    /** Every Kotlin-only type in the signatures of [type]'s members that pass [filter], one line each. */
    private static List<String> leaks(Class<?> type, Predicate<Executable> filter) {
        List<String> found = new ArrayList<>();
        List<Executable> members = new ArrayList<>(Arrays.asList(type.getDeclaredMethods()));
        members.addAll(Arrays.asList(type.getDeclaredConstructors()));
        for (Executable member : members) {
            if (!filter.test(member)) continue;
            List<Type> types = new ArrayList<>(Arrays.asList(member.getGenericParameterTypes()));
            types.addAll(Arrays.asList(member.getParameterTypes()));
            if (member instanceof Method) {
                types.add(((Method) member).getGenericReturnType());
                types.add(((Method) member).getReturnType());
            }
            if (types.stream().anyMatch(JavaApiSurfaceTest::isKotlinOnly)) {
                String name = member instanceof Constructor ? "<init>" : member.getName();
                found.add(shortName(type) + "." + name + Arrays.toString(member.getGenericParameterTypes()));
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isPublic(field.getModifiers()) && !field.isSynthetic() && isKotlinOnly(field.getGenericType())) {
                found.add(shortName(type) + "." + field.getName() + " (field)");
            }
        }
        return found;
    }

    private static String key(String leak) {
        int bracket = leak.indexOf('[');
        return bracket < 0 ? leak : leak.substring(0, bracket);
    }

    @Test
    void theScanFindsThePublicClassesAndLeavesOutInternalOnes() {
        Set<String> names = facing.stream().map(JavaApiSurfaceTest::shortName).collect(Collectors.toCollection(TreeSet::new));
        for (String expected : List.of(
                "server.TelnetServer", "server.TelnetServerBuilder", "session.Session", "session.SessionAttributes",
                "server.ServerSettings", "shell.Command", "shell.Command.Builder", "shell.CommandCall", "shell.LoginSettings",
                "shell.LoginSettings.Builder", "shell.ShellSettings", "shell.AnnotatedCommands", "protocol.TelnetProtocol",
                "protocol.ProtocolSettings", "terminal.KeyDecoder", "terminal.LineEditor", "annotations.Command",
                "testkit.TelnetTestClient", "testkit.TerminalProfile", "testkit.InMemoryTransport", "testkit.InMemoryClient", "wire.PlainTerminal", "transport.Transport")) {
            assertTrue(names.contains(expected), expected + " not found among " + names.size() + " classes");
        }
        // Internal classes are public in bytecode: the Kotlin metadata keeps them out.
        for (String internal : List.of("shell.LoginFlow", "shell.HelpText", "shell.LoginThrottle", "server.SessionConnection", "transport.nio.EventLoop", "wire.TelnetWire", "wire.PlainTerminalWire")) {
            assertFalse(names.contains(internal), internal + " is internal, yet found");
        }
    }

    @Test
    void noPublicMemberVisibleToJavaTakesOrReturnsKotlinOnlyTypes() {
        List<String> all = facing.stream()
            .flatMap(c -> leaks(c, JavaApiSurfaceTest::visibleToJava).stream())
            .filter(leak -> !ALLOWED.containsKey(key(leak)) && !ENGINE_SPI.contains(key(leak)))
            .collect(Collectors.toList());
        assertEquals(List.of(), all, "Kotlin-only types in members Java can call");
    }

    @Test
    void everyAllowedLeakIsStillThereAndHasABlockingFactoryForJava() throws Exception {
        Map<String, String> found = new TreeMap<>();
        facing.forEach(c -> leaks(c, JavaApiSurfaceTest::visibleToJava).forEach(leak -> found.put(key(leak), leak)));
        for (String allowed : ALLOWED.keySet()) {
            assertTrue(found.containsKey(allowed), "stale allow-list entry " + allowed + "; found " + found.keySet());
            Class<?> type = Class.forName("dev.telnetkit." + allowed.substring(0, allowed.lastIndexOf('.')));
            if (!type.isInterface()) {
                // A class on the list implements a listed interface's method, and nothing else leaks.
                assertTrue(SessionHandler.class.isAssignableFrom(type), type + " is not a SessionHandler");
                continue;
            }
            Method blocking = Stream.of(type.getMethods())
                .filter(m -> m.getName().equals("blocking") && Modifier.isStatic(m.getModifiers()))
                .findFirst().orElseThrow(() -> new AssertionError(type + " has no static blocking(...) factory for Java"));
            assertEquals(type, blocking.getReturnType());
            assertTrue(blocking.getParameterTypes()[0].getSimpleName().startsWith("Blocking"), blocking.toString());
        }
    }

    @Test
    void theCheckSeesTheSuspendFormsThatAreHiddenFromJava() {
        // Without the synthetic filter the suspend and lambda forms are found: the check is not blind.
        Predicate<Executable> anyPublic = m -> Modifier.isPublic(m.getModifiers());
        List<String> hidden = leaks(Session.class, anyPublic);
        assertTrue(hidden.stream().anyMatch(s -> s.startsWith("session.Session.readLine[") && s.contains("Continuation")), hidden.toString());
        assertTrue(hidden.stream().anyMatch(s -> s.startsWith("session.Session.launch[") && s.contains("Function2")), hidden.toString());
        List<String> serverHidden = leaks(TelnetServer.class, anyPublic);
        assertTrue(serverHidden.stream().anyMatch(s -> s.startsWith("server.TelnetServer.start[")), serverHidden.toString());
    }

    @Test
    void everySuspendFunctionHasAJavaFormOfTheSameName() throws Exception {
        // The blocking forms carry the names Java callers expect.
        for (String name : List.of("start", "stop", "awaitTermination")) {
            assertTrue(Stream.of(TelnetServer.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        for (String name : List.of("write", "writeLine", "writeResponse", "writeError", "readLine", "writeMessage")) {
            assertTrue(Stream.of(Session.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        for (String name : List.of("writeResponse", "writeError")) {
            assertTrue(Stream.of(CommandCall.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        Method start = TelnetServer.class.getMethod("start");
        assertEquals(TelnetServer.class, start.getReturnType());
        assertFalse(start.isSynthetic());
    }
}
