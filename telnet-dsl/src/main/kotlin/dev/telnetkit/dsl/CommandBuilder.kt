package dev.telnetkit.dsl

import dev.telnetkit.session.Session

import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandCall
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.terminal.Completer
import dev.telnetkit.terminal.CompletionRequest

/**
 * Declares one command (or a group of commands) inside `telnetServer { }`.
 *
 * ```kotlin
 * command("echo", aliases = listOf("copy", "repeat")) {
 *     usage = "<text to echo>"
 *     summary = "Echo text back to the console."
 *     run { args -> writeResponse(args.joinToString(" ")) }
 * }
 * ```
 */
@TelnetDsl
public class CommandBuilder internal constructor(private val name: String, private val aliases: List<String>) {
    /** The parameter synopsis shown in help, such as `<text to echo>`. */
    public var usage: String = ""

    /** One line for the `help` list. */
    public var summary: String = ""

    /** The long text of `help NAME`; the summary is shown when it is empty. */
    public var description: String = ""

    /** Left out of `help` and completion; `help NAME` still describes it. */
    public var hidden: Boolean = false

    private var handler: CommandHandler? = null
    private var completer: Completer? = null
    private val subcommands = ArrayList<Command>()

    /**
     * What the command does; runs with the session as receiver and the parameters as [block]'s
     * argument. It may suspend; Ctrl-C cancels it.
     */
    public fun run(block: suspend Session.(args: List<String>) -> Unit) {
        check(handler == null) { "command '$name': run { } is declared twice" }
        handler = CommandHandler { call -> call.session.block(call.args) }
    }

    /** Like [run], with the whole [CommandCall] (name as typed, raw input with continued lines). */
    public fun runCall(block: suspend CommandCall.() -> Unit) {
        check(handler == null) { "command '$name': run { } is declared twice" }
        handler = CommandHandler { call -> call.block() }
    }

    /**
     * Completes the command's parameters on Tab: return the candidates for the word at the cursor.
     * It runs on the session's event loop, shared with other sessions: it must be quick and must not
     * block; use [completeBlocking] for lookups that may.
     */
    public fun complete(block: (CompletionRequest) -> List<String>) {
        completer = Completer { block(it) }
    }

    /**
     * Like [complete], for a completer that may block (a database or directory lookup): it runs
     * where blocking is allowed (the server's `blockingExecutor`), never on an event-loop thread.
     */
    public fun completeBlocking(block: (CompletionRequest) -> List<String>) {
        completer = Completer.blocking { block(it) }
    }

    /** Declares a subcommand, making this command a group (`user add NAME`). */
    public fun command(name: String, aliases: List<String> = emptyList(), configure: CommandBuilder.() -> Unit) {
        subcommands.add(CommandBuilder(name, aliases).apply(configure).build())
    }

    internal fun build(): Command = Command(
        name = name, aliases = aliases, usage = usage, summary = summary, description = description,
        hidden = hidden, completer = completer, handler = handler, subcommands = subcommands.toList(),
    )
}
