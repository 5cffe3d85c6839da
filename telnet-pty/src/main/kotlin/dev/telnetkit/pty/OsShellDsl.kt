package dev.telnetkit.pty

import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/**
 * Adds a command called [name] that opens an operating-system shell; see [OsShellSettings] and
 * [OsShell]. Nothing runs unless [OsShellScope.command] names the program: without it the server
 * fails to build with a message saying so.
 *
 * ```kotlin
 * telnetServer {
 *     osShell("shell") {
 *         command = listOf("/bin/bash", "-l")
 *         runAs = "bbs"
 *     }
 * }
 * ```
 */
public fun TelnetServerScope.osShell(name: String, configure: OsShellScope.() -> Unit) {
    val scope = OsShellScope().apply(configure)
    commands(listOf(OsShell.command(name, scope.build(), scope.summary)))
}

/** The settings of the DSL's `osShell(name) { }` block: the names of [OsShellSettings]. */
@TelnetDsl
public class OsShellScope internal constructor() {
    /** The program and its arguments (required: there is no default). */
    public var command: List<String> = emptyList()

    /** Where the program starts; null: the home of [runAs], else the server's working directory. */
    public var workingDirectory: Path? = null

    /** Variables set for the program. */
    public var environment: Map<String, String> = emptyMap()

    /** Names of client-sent variables passed to the program (none by default). */
    public var passEnvironment: Set<String> = emptySet()

    /** The user the program runs as (the server must run as root). */
    public var runAs: String? = null

    /** Lets the program run as root (refused by default). */
    public var allowRoot: Boolean = false

    /** The `LANG` of the program. */
    public var lang: String = "C.UTF-8"

    /** How long the program has to end after SIGHUP before it is killed. */
    public var hangupGrace: Duration = 2.seconds

    /** The command's line in `help`. */
    public var summary: String = "Open an operating-system shell."

    internal fun build(): OsShellSettings = OsShellSettings(
        command, workingDirectory, environment, passEnvironment, runAs, allowRoot, lang, hangupGrace.toJavaDuration(),
    )
}
