package dev.telnetkit.annotations

/**
 * Marks a method as a shell command, for handler classes in the style of telnetsrv. Register the
 * object with `annotatedCommands(handlers)`, on `TelnetServer.builder()` (Java) or inside
 * `telnetServer { }` (Kotlin DSL); methods inherited from superclasses count too.
 *
 * The method must be public (a marked method that is not fails the registration, naming it). It
 * may take `()`, `(List<String> args)`, `(Session session, List<String> args)` or
 * `(CommandCall call)`, returns nothing (a returned String is written as the response), and may
 * block: it runs on a thread for blocking work and Ctrl-C interrupts it.
 *
 * ```java
 * public class Handlers {
 *     @Command(names = "echo", aliases = {"copy", "repeat"}, usage = "<text to echo>",
 *              summary = "Echo text back to the console.")
 *     public void echo(Session session, List<String> args) {
 *         session.writeResponse(String.join(" ", args));
 *     }
 * }
 * ```
 */
@Target(AnnotationTarget.FUNCTION)
@Retention(AnnotationRetention.RUNTIME)
@MustBeDocumented
public annotation class Command(
    /** The command's name; empty takes the method's name, lower-cased. */
    val names: String = "",
    /** Other names. */
    val aliases: Array<String> = [],
    /** Left out of help and completion. */
    val hidden: Boolean = false,
    /** The parameter synopsis, such as `<text to echo>`. */
    val usage: String = "",
    /** One line for the help list. */
    val summary: String = "",
    /** The long help text. */
    val description: String = "",
)
