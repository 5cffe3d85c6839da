package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.server.TelnetServerBuilder;
import dev.telnetkit.server.TelnetSession;
import dev.telnetkit.shell.Command;
import dev.telnetkit.shell.CommandCall;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a Java caller sees of the main classes: no Kotlin function types, Unit or Continuation in
 * any public method it can call. Methods hidden from Java ({@code @JvmSynthetic}, compiled with
 * ACC_SYNTHETIC, and compiler-made bridges such as {@code $default}) are left out: javac cannot
 * call them.
 */
class JavaApiSurfaceTest {
    private static final List<Class<?>> JAVA_FACING = List.of(
        TelnetServer.class, TelnetServerBuilder.class, TelnetSession.class,
        Command.class, Command.Builder.class, CommandCall.class);

    private static boolean isKotlinOnly(Type type) {
        String name = type.getTypeName();
        return name.contains("kotlin.jvm.functions.Function")
            || name.contains("kotlin.Unit")
            || name.contains("kotlin.coroutines.Continuation");
    }

    @SuppressWarnings("unchecked")
    private static boolean markedJvmSynthetic(Method method) {
        // kotlin.jvm.JvmSynthetic has SOURCE retention today; checked anyway in case that changes.
        try {
            Class<? extends Annotation> jvmSynthetic = (Class<? extends Annotation>) Class.forName("kotlin.jvm.JvmSynthetic");
            return method.isAnnotationPresent(jvmSynthetic);
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean visibleToJava(Method method) {
        return Modifier.isPublic(method.getModifiers()) && !method.isSynthetic() && !method.isBridge() && !markedJvmSynthetic(method);
    }

    /** Every Kotlin-only type in the signatures of [methods] that pass [filter], one line each. */
    private static List<String> leaks(Class<?> type, Predicate<Method> filter) {
        List<String> found = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (!filter.test(method)) continue;
            List<Type> types = new ArrayList<>(Arrays.asList(method.getGenericParameterTypes()));
            types.addAll(Arrays.asList(method.getParameterTypes()));
            types.add(method.getGenericReturnType());
            types.add(method.getReturnType());
            if (types.stream().anyMatch(JavaApiSurfaceTest::isKotlinOnly)) {
                found.add(type.getSimpleName() + "." + method.getName() + Arrays.toString(method.getGenericParameterTypes())
                    + " : " + method.getGenericReturnType().getTypeName());
            }
        }
        return found;
    }

    @Test
    void noPublicMethodVisibleToJavaTakesOrReturnsKotlinOnlyTypes() {
        List<String> all = JAVA_FACING.stream()
            .flatMap(c -> leaks(c, JavaApiSurfaceTest::visibleToJava).stream())
            .collect(Collectors.toList());
        assertEquals(List.of(), all, "Kotlin-only types in methods Java can call");
    }

    @Test
    void theCheckSeesTheSuspendFormsThatAreHiddenFromJava() {
        // Without the synthetic filter the suspend and lambda forms are found: the check is not blind.
        List<String> hidden = leaks(TelnetSession.class, m -> Modifier.isPublic(m.getModifiers()));
        assertTrue(hidden.stream().anyMatch(s -> s.startsWith("TelnetSession.readLine[") && s.contains("Continuation")), hidden.toString());
        assertTrue(hidden.stream().anyMatch(s -> s.startsWith("TelnetSession.launch[") && s.contains("Function2")), hidden.toString());
        List<String> serverHidden = leaks(TelnetServer.class, m -> Modifier.isPublic(m.getModifiers()));
        assertTrue(serverHidden.stream().anyMatch(s -> s.startsWith("TelnetServer.start[")), serverHidden.toString());
    }

    @Test
    void everySuspendFunctionHasAJavaFormOfTheSameName() throws Exception {
        // The blocking forms carry the names Java callers expect.
        for (String name : List.of("start", "stop", "awaitTermination")) {
            assertTrue(Stream.of(TelnetServer.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        for (String name : List.of("write", "writeLine", "writeResponse", "writeError", "readLine", "writeMessage")) {
            assertTrue(Stream.of(TelnetSession.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        for (String name : List.of("writeResponse", "writeError")) {
            assertTrue(Stream.of(CommandCall.class.getMethods()).anyMatch(m -> m.getName().equals(name) && visibleToJava(m)), name);
        }
        Method start = TelnetServer.class.getMethod("start");
        assertEquals(TelnetServer.class, start.getReturnType());
        assertFalse(start.isSynthetic());
    }
}
