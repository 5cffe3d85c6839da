package dev.telnetkit.script

import dev.telnetkit.server.TelnetServer
import java.nio.file.Path

/**
 * Servers declared in `.telnet.kts` scripts, for a program of your own or a test: the same
 * compilation, default imports and cache as `telnetkit run`.
 *
 * ```kotlin
 * val server = install(TelnetServerExtension { TelnetScripts.server(Path.of("app.telnet.kts")) })
 * ```
 */
public object TelnetScripts {
    /**
     * The server [file] declares, built and not started. Compiled scripts are kept in [cache] (null:
     * compiled every time).
     * @throws TelnetScriptException when the script does not compile or fails when run; its
     *   [TelnetScriptException.messages] are `file:line:column: message` lines.
     */
    @JvmStatic
    @JvmOverloads
    public fun server(file: Path, cache: Path? = null): TelnetServer {
        val scope = try {
            ScriptRunner(cache).load(file)
        } catch (e: ScriptFailure) {
            throw TelnetScriptException(e.messages)
        }
        return scope.buildServer()
    }
}

/** A script that did not compile, or failed when run: [messages] as `file:line:column: message` lines. */
public class TelnetScriptException(public val messages: List<String>) : Exception(messages.joinToString("\n"))
