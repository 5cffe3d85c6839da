package dev.telnetkit.server

import dev.telnetkit.session.LogText
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionContext
import dev.telnetkit.session.SessionFilter
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandCall
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.CommandHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import java.time.Duration
import kotlin.coroutines.coroutineContext

private val logger = KotlinLogging.logger {}

/**
 * The shell's side of the admin view: one `sysop` command group for the sessions a [SessionFilter]
 * accepts as sysops (an accounts role, a user name, an address), to see and steer the whole server
 * from a terminal:
 *
 * - `sysop who`: every session, over every transport: id, user, address, transport, terminal, idle time;
 * - `sysop kick ID [REASON]`: ends a session, telling it why;
 * - `sysop send ID TEXT`: a message to one session, drawn above its half-typed line;
 * - `sysop wall TEXT`: the same to every session;
 * - `sysop stats`: the server's running totals ([TelnetServer.statistics]).
 *
 * The group is hidden from `help` and completion; anyone else who types it is told it is for
 * sysops only. Every kick and message is logged with who did it.
 *
 * ```kotlin
 * telnetServer {
 *     commands(listOf(SysopCommands.command { it.username == "root" }))
 * }
 * ```
 */
public object SysopCommands {
    /** The `sysop` group (or [name]), allowed to the sessions [isSysop] accepts. */
    @JvmStatic
    @JvmOverloads
    public fun command(name: String = "sysop", isSysop: SessionFilter): Command = Command(
        name = name,
        summary = "server administration (sysops only)",
        hidden = true,
        subcommands = listOf(
            sub("who", "", "lists every session", isSysop) { who(it) },
            sub("kick", "ID [REASON]", "ends a session", isSysop) { kick(it) },
            sub("send", "ID TEXT", "sends a message to one session", isSysop) { send(it) },
            sub("wall", "TEXT", "sends a message to every session", isSysop) { wall(it) },
            sub("stats", "", "shows the server's running totals", isSysop) { stats(it) },
        ),
    )

    private fun sub(name: String, usage: String, summary: String, isSysop: SessionFilter, run: suspend (CommandCall) -> Unit) =
        Command(name = name, usage = usage, summary = summary, handler = CommandHandler { call ->
            if (!isSysop.accept(call.session)) throw CommandException("${call.command.name}: for sysops only.")
            run(call)
        })

    private suspend fun server(): TelnetServer =
        coroutineContext[SessionContext]?.server as? TelnetServer ?: throw CommandException("not running in a server's session")

    private suspend fun who(call: CommandCall) {
        val rows = server().sessions.map { s ->
            // User names and terminal types come from clients: escaped, never sent raw to a terminal.
            listOf(
                s.id.toString(), s.username?.let(LogText::escape) ?: "-", LogText.escape(s.remoteAddress), s.transport,
                "${LogText.escape(s.terminalType)} ${s.width}x${s.height}", idleText(s.idle),
            )
        }
        val header = listOf("ID", "USER", "ADDRESS", "VIA", "TERMINAL", "IDLE")
        val widths = header.indices.map { i -> (rows.map { it[i].length } + header[i].length).max().coerceAtMost(MAX_CELL) }
        for (row in listOf(header) + rows) {
            call.writeResponse(row.mapIndexed { i, cell -> cell.take(MAX_CELL).padEnd(widths[i]) }.joinToString("  ").trimEnd())
        }
        call.writeResponse("${rows.size} session${if (rows.size == 1) "" else "s"}.")
    }

    private suspend fun kick(call: CommandCall) {
        val target = target(call)
        if (target === call.session) throw CommandException("that is your own session: use 'bye'.")
        val reason = printable(call.args.drop(1).joinToString(" ")).ifBlank { "Disconnected by the sysop." }
        logger.info { "sysop ${who(call.session)} kicked session ${target.id} (${target.remoteAddress}): ${LogText.escape(reason)}" }
        target.writeMessage(reason)
        target.close()
        call.writeResponse("Session ${target.id} kicked.")
    }

    private suspend fun send(call: CommandCall) {
        val target = target(call)
        val text = printable(call.args.drop(1).joinToString(" "))
        if (text.isBlank()) throw CommandException("usage: sysop send ID TEXT")
        logger.info { "sysop ${who(call.session)} sent session ${target.id} a message" }
        target.writeMessage("Message from the sysop: $text")
        call.writeResponse("Sent to session ${target.id}.")
    }

    private suspend fun wall(call: CommandCall) {
        val text = printable(call.args.joinToString(" "))
        if (text.isBlank()) throw CommandException("usage: sysop wall TEXT")
        logger.info { "sysop ${who(call.session)} sent every session a message" }
        val count = server().broadcast("Message from the sysop: $text")
        call.writeResponse("Sent to $count session${if (count == 1) "" else "s"}.")
    }

    private suspend fun stats(call: CommandCall) {
        val s = server().statistics
        call.writeResponse("sessions open ${s.sessionsOpen}, opened ${s.sessionsOpened}, closed ${s.sessionsClosed}")
        call.writeResponse("commands run ${s.commandsRun}, failed ${s.commandsFailed}")
        call.writeResponse("login failures ${s.loginFailures}, lockouts ${s.loginLockouts}")
        call.writeResponse("bytes in ${s.bytesIn}, out ${s.bytesOut}; cut off ${s.outputCutOffs}")
    }

    private suspend fun target(call: CommandCall): Session {
        val text = call.args.firstOrNull() ?: throw CommandException("usage: sysop ${call.command.name} ${call.command.usage}")
        val id = text.toLongOrNull() ?: throw CommandException("'$text' is not a session id (see 'sysop who').")
        return server().sessions.firstOrNull { it.id == id } ?: throw CommandException("no session $id (see 'sysop who').")
    }

    private fun who(session: Session) = "${session.username?.let(LogText::escape) ?: "(no user)"} (session ${session.id}, ${session.remoteAddress})"

    /** [text] without control characters: a message reaches other terminals as text, never as escape sequences. */
    private fun printable(text: String): String =
        text.filterNot { it < ' ' || it == '\u007f' || it in '\u0080'..'\u009f' }

    private fun idleText(idle: Duration): String = when {
        idle.toHours() > 0 -> "${idle.toHours()}h${idle.toMinutesPart()}m"
        idle.toMinutes() > 0 -> "${idle.toMinutes()}m${idle.toSecondsPart()}s"
        else -> "${idle.seconds}s"
    }

    private const val MAX_CELL = 32
}
