package dev.telnetkit.shell

import dev.telnetkit.session.Session
import dev.telnetkit.session.InterruptListener
import dev.telnetkit.session.InputInterruptedException
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.LogText

import dev.telnetkit.session.candidates
import dev.telnetkit.terminal.Completer
import dev.telnetkit.terminal.CompletionRequest
import dev.telnetkit.terminal.SuspendingCompleter
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.Job
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.seconds

private val logger = KotlinLogging.logger {}

/**
 * The command shell: a [SessionHandler] that shows the welcome text, runs the login (unless the
 * transport authenticated the user already: then [Session.username] is set), then reads
 * command lines (with continuation lines for a trailing backslash or an open quote), parses them
 * with [CommandLineParser] and runs the matching [Command].
 *
 * Built in: `help` and `?` (list, or `help NAME`), `bye`, `exit` and `quit`; Ctrl-D on an empty
 * line leaves as `bye` does. Ctrl-C or Telnet IP cancels a running command (interrupting a
 * blocking one) and returns to the prompt with `^C`. Input typed while a command runs waits for
 * the next prompt. A failing handler costs one error line, never the session.
 *
 * [replaceCommands] swaps the commands of a running shell (a script reloaded on save): every
 * session uses the new ones from its next command line on, and none is dropped.
 */
public class CommandShell(private val settings: ShellSettings) : SessionHandler {
    // Replaced whole by replaceCommands; each command line reads it once, so it sees one set.
    @Volatile
    private var registry = CommandRegistry(settings.commands)

    /** The commands of this shell: those given in [settings], or the last [replaceCommands]. */
    public val commands: List<Command> get() = registry.commands

    /**
     * Replaces the commands of this shell, for every session, from the next command line on (a
     * command running now finishes as it is); sessions stay connected. Thread-safe. The commands
     * are checked as in [ShellSettings]: a clash of names throws [IllegalArgumentException] and
     * leaves the old commands in place.
     */
    public fun replaceCommands(commands: List<Command>) {
        registry = CommandRegistry(commands)
    }

    /** The login's per-address lockout, which the server shares with transports that authenticate (SSH). */
    internal val loginLockout: LoginLockout? get() = settings.login?.throttle

    override suspend fun handle(session: Session) {
        session.errorFormatter = settings.errorFormatter
        if (!settings.ansi) session.ansiEnabled = false
        // A command the client asked to run (ssh host echo hi), or a pipe (ssh -T), gets the
        // commands' output alone: no welcome, no prompt, no goodbye.
        val commandLine = session.command
        if (settings.welcome.isNotEmpty() && commandLine == null && session.isTerminal) session.writeLine(settings.welcome)
        // A user the transport authenticated already (SSH) is not asked again.
        settings.login?.let { login -> if (session.username == null && !LoginFlow(login).run(session)) return }
        var started = false
        // As try/finally, with the end hook run once after it, not copied into every way out of the
        // try: the shell's frame, which a session idle at its prompt keeps, needs fewer variables.
        var failure: Throwable? = null
        try {
            settings.onSessionStart?.run(session)
            started = true
            if (commandLine != null) {
                runCommandLine(session, commandLine)
            } else {
                // The command loop, written out here: a session idle at its prompt keeps one
                // suspended frame of the shell, this one (an inline function's would add variables).
                var goodbye = true
                while (true) {
                    val first = session.readLine(settings.prompt.promptFor(session), completer = completer) ?: break
                    var parsed = CommandLineParser.parse(first)
                    // The whole command, its lines joined with `\n`: a line of its own, nearly always.
                    var joined = first
                    if (parsed is CommandLineParser.Result.Incomplete) {
                        // Its own function: handle's frame keeps none of its variables.
                        when (val continued = readContinuation(session, first, parsed)) {
                            Continued.Abandoned -> continue
                            Continued.Closing -> {
                                goodbye = false
                                break
                            }
                            is Continued.Lines -> {
                                parsed = continued.parsed
                                joined = continued.joined
                            }
                        }
                    }
                    if (parsed !is CommandLineParser.Result.Complete) {
                        session.writeError("The command spans more than ${settings.maxContinuationLines} lines; it was dropped.")
                        session.exitStatus = EXIT_USAGE
                        continue
                    }
                    val words = parsed.words
                    if (words.isEmpty()) continue
                    // A plain command goes straight to run: no dispatch frame per command line.
                    val plain = plainCall(session, words, joined)
                    if (plain != null) {
                        run(session, plain)
                    } else if (!dispatch(session, words, joined)) {
                        goodbye = false
                        break
                    }
                }
                // Ctrl-D or the client closing its input; not when the server ended the session.
                if (goodbye && settings.goodbye.isNotEmpty() && !session.isClosing && session.isTerminal) session.writeLine(settings.goodbye)
            }
        } catch (e: Throwable) {
            failure = e
        }
        if (started || settings.onSessionStart == null) settings.onSessionEnd?.let { hook -> runEndHook(session, hook) }
        if (failure != null) throw failure
    }

    /** Runs the onSessionEnd [hook], bounded by HOOK_TIMEOUT, even when the session was cancelled. */
    private suspend fun runEndHook(session: Session, hook: SessionHook) {
        withContext(NonCancellable) {
            withTimeoutOrNull(HOOK_TIMEOUT) {
                try {
                    hook.run(session)
                } catch (e: Exception) {
                    logger.error(LogText.safe(e)) { "session ${session.id}: onSessionEnd failed" }
                }
            }
        }
    }

    /** Runs [line] alone (an SSH `exec` request); its outcome is the session's exit status. */
    private suspend fun runCommandLine(session: Session, line: String) {
        when (val parsed = CommandLineParser.parse(line)) {
            is CommandLineParser.Result.Incomplete -> {
                session.writeError("Unexpected end of input: ${parsed.reason}.")
                session.exitStatus = EXIT_USAGE
            }
            is CommandLineParser.Result.Complete -> if (parsed.words.isNotEmpty()) dispatch(session, parsed.words, line, interactive = false)
        }
    }

    /** What came of reading a command's continuation lines. */
    private sealed class Continued {
        /** Ctrl-C, or the input ended: the command is dropped. */
        object Abandoned : Continued()

        /** The session is ending: the shell stops. */
        object Closing : Continued()

        /** The command's lines, joined with `\n`, and what they parse to (still incomplete past maxContinuationLines). */
        class Lines(val parsed: CommandLineParser.Result, val joined: String) : Continued()
    }

    /** Reads the continuation lines of the command [first] starts ([parsed] is incomplete). */
    private suspend fun readContinuation(session: Session, first: String, parsed: CommandLineParser.Result.Incomplete): Continued {
        var current: CommandLineParser.Result = parsed
        val raw = StringBuilder(first)
        var joined = first
        var lines = 1
        while (current is CommandLineParser.Result.Incomplete) {
            if (lines >= settings.maxContinuationLines) break
            // Ctrl-C drops the whole command; Ctrl-D ends it unfinished, as in bash.
            val next = try {
                session.readLine(settings.continuationPrompt, history = false, interruptible = true)
            } catch (_: InputInterruptedException) {
                return Continued.Abandoned
            }
            if (next == null) {
                if (session.isClosing) return Continued.Closing
                session.writeError("Unexpected end of input: ${current.reason}.")
                session.exitStatus = EXIT_USAGE
                return Continued.Abandoned
            }
            raw.append('\n').append(next)
            joined = raw.toString()
            lines++
            current = CommandLineParser.parse(joined)
        }
        return Continued.Lines(current, joined)
    }

    /**
     * The call for [words] when they name a plain command (not a built-in, no subcommands), with
     * the session's exit status reset as [dispatch] does; null for anything else, which [dispatch]
     * handles.
     */
    private fun plainCall(session: Session, words: List<String>, raw: String): CommandCall? {
        val name = words[0]
        when (CommandRegistry.key(name)) {
            "bye", "exit", "quit", "help", "?" -> return null
        }
        val command = registry.find(name) ?: return null
        if (command.subcommands.isNotEmpty() || command.handler == null) return null
        session.exitStatus = 0
        return CommandCall(session, command, name, words.drop(1), raw)
    }

    /**
     * Runs the command in [words] and sets the session's exit status from its outcome; false when
     * the user asked to leave. [interactive] is false for a command line run alone (no goodbye).
     */
    private suspend fun dispatch(session: Session, words: List<String>, raw: String, interactive: Boolean = true): Boolean {
        val name = words[0]
        val registry = registry
        session.exitStatus = 0
        when (CommandRegistry.key(name)) {
            "bye", "exit", "quit" -> {
                if (settings.goodbye.isNotEmpty() && interactive && session.isTerminal) session.writeLine(settings.goodbye)
                return false
            }
            "help", "?" -> { help(session, words.drop(1)); return true }
        }
        val command = registry.find(name) ?: run {
            unknown(session, name, emptyList())
            unknownRun(session)
            return true
        }
        // The command and the subcommands the words pick, outermost first.
        val path = mutableListOf(command)
        while (path.last().subcommands.isNotEmpty() && path.size < words.size) {
            path.add(registry.findIn(path.last(), words[path.size]) ?: break)
        }
        val target = path.last()
        val used = path.size
        if (target.handler == null) {
            // A group without a subcommand (or with an unknown one).
            if (used < words.size) {
                unknown(session, words.subList(0, used + 1).joinToString(" "), path, words[used])
                unknownRun(session)
            } else {
                HelpText.describe(path).forEach { session.writeResponse(it) }
            }
            return true
        }
        run(session, CommandCall(session, target, words[used - 1], words.drop(used), raw), path)
        return true
    }

    /**
     * An unknown command was typed: reported as a failed run of [UNKNOWN_COMMAND], one name for
     * every word a client may type (a metrics label per word would grow without bound).
     */
    private fun unknownRun(session: Session) {
        session.events.commandFinished(session, UNKNOWN_COMMAND, 0L, failed = true)
    }

    /**
     * Runs [call] and reports it to the server's statistics and observers, named as registered:
     * [path] is the command and the subcommands the words picked, outermost first (null: a plain
     * command, the call's own).
     */
    private suspend fun run(session: Session, call: CommandCall, path: List<Command>? = null) {
        val start = System.nanoTime()
        try {
            runCommand(session, call)
        } finally {
            val events = session.events
            val name = if (path == null || path.size == 1 || !events.observed) call.command.name else path.joinToString(" ") { it.name }
            events.commandFinished(session, name, System.nanoTime() - start, failed = session.exitStatus != 0)
        }
    }

    private suspend fun runCommand(session: Session, call: CommandCall) {
        // The command runs under a job of its own, a child of the session's, that the interrupt
        // listener cancels; it runs inline (no coroutine is started or joined per command). The
        // listener is in place before the handler runs: otherwise a Ctrl-C that arrives as soon as
        // the handler runs finds no listener, waits as type-ahead for the next prompt, and the
        // command is never cancelled.
        // The job is the scope's own (a coroutineScope, which is a child of the session's job): no
        // separate Job and no context to combine per command.
        // A command run from inside another (nested) interrupts the outer one too, as before.
        val outer = session.commandInterrupt
        val interrupt = CommandInterrupt(outer)
        try {
            coroutineScope {
                interrupt.job = coroutineContext.job
                session.commandInterrupt = interrupt
                try {
                    call.command.handler!!.run(call)
                } catch (e: CancellationException) {
                    throw e
                } catch (e: CommandException) {
                    session.exitStatus = EXIT_FAILURE
                    session.writeError(e.message ?: "${call.name}: failed")
                } catch (e: Throwable) {
                    session.exitStatus = EXIT_FAILURE
                    logger.error(LogText.safe(e)) { "session ${session.id}: command '${call.command.name}' failed" }
                    session.writeError("${call.name}: internal error; the details are in the server log.")
                }
            }
        } catch (e: CancellationException) {
            // The command was interrupted, or cancelled itself (an expired withTimeout, say): either
            // way only the command ends. The session itself being cancelled goes on up.
            currentCoroutineContext().ensureActive()
        } finally {
            session.commandInterrupt = outer
        }
        if (interrupt.interrupted && interrupt.job?.isCancelled == true) {
            session.exitStatus = EXIT_INTERRUPTED
            session.writeLine("^C")
        }
    }

    /** Cancels the running command's [job] when the user interrupts (Ctrl-C, Telnet IP). */
    private class CommandInterrupt(private val outer: InterruptListener?) : InterruptListener {
        @Volatile var job: Job? = null
        @Volatile var interrupted = false

        override fun onInterrupt() {
            interrupted = true
            job?.cancel()
            outer?.onInterrupt()
        }
    }

    private suspend fun help(session: Session, topic: List<String>) {
        val registry = registry
        if (topic.isEmpty()) {
            HelpText.list(registry.commands).forEach { session.writeResponse(it) }
            return
        }
        val first = registry.find(topic[0])
        if (first == null) {
            val builtIn = HelpText.describeBuiltIn(topic[0])
            if (builtIn != null) builtIn.forEach { session.writeResponse(it) } else unknown(session, topic[0], emptyList())
            return
        }
        val path = mutableListOf(first)
        for (word in topic.drop(1)) {
            val sub = registry.findIn(path.last(), word) ?: return unknown(session, (path.map { it.name } + word).joinToString(" "), path, word)
            path.add(sub)
        }
        HelpText.describe(path).forEach { session.writeResponse(it) }
    }

    /**
     * One error line for the unknown [word], shown as [shown]; [groups] are the groups it was looked
     * up in, outermost first (empty for a top-level name). The hint names the full command path.
     */
    private suspend fun unknown(session: Session, shown: String, groups: List<Command>, word: String = shown) {
        val group = groups.lastOrNull()
        val prefix = groups.joinToString("") { it.name + " " }
        val suggestion = registry.suggest(word, group)
        val hint = when {
            suggestion != null -> " Did you mean '$prefix$suggestion'?"
            group != null -> " Type 'help ${prefix.trimEnd()}' for a list."
            else -> " Type 'help' for a list."
        }
        session.exitStatus = EXIT_UNKNOWN_COMMAND
        session.writeError("Unknown command '$shown'.$hint")
    }

    /**
     * Tab: command names for the first word, subcommand names in a group, else the command's
     * completer, which the session asks where it belongs (a [Completer.blocking] one off the loop).
     */
    private val completer = object : SuspendingCompleter {
        override fun complete(request: CompletionRequest): List<String> = complete(request) { it.complete(request) }

        override suspend fun completeSuspending(request: CompletionRequest): List<String> =
            complete(request) { it.candidates(request) }
    }

    private inline fun complete(request: CompletionRequest, ask: (Completer) -> List<String>): List<String> {
        val before = request.previousWords
        val registry = registry
        if (before.isEmpty()) return registry.completeName(request.word)
        var command = registry.find(before[0]) ?: return emptyList()
        var used = 1
        while (command.subcommands.isNotEmpty()) {
            if (used == before.size) return registry.completeName(request.word, command)
            command = registry.findIn(command, before[used]) ?: return emptyList()
            used++
        }
        return command.completer?.let(ask) ?: emptyList()
    }

    private companion object {
        val HOOK_TIMEOUT = 10.seconds

        // The name every unknown command is reported under.
        const val UNKNOWN_COMMAND = "(unknown)"

        // Exit statuses as a POSIX shell's.
        const val EXIT_FAILURE = 1
        const val EXIT_USAGE = 2
        const val EXIT_UNKNOWN_COMMAND = 127
        const val EXIT_INTERRUPTED = 130
    }
}
