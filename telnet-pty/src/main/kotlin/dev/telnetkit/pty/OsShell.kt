package dev.telnetkit.pty

import dev.telnetkit.session.ResizeListener
import dev.telnetkit.session.Session
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.nio.charset.Charset
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.seconds

private val logger = KotlinLogging.logger {}

/**
 * Runs an operating-system program (a shell such as `/bin/bash -l`) in a pseudo-terminal bound to
 * a session: opt-in only, configured with [OsShellSettings].
 *
 * The program gets a PTY of the session's window size and `TERM`; window resizes are forwarded
 * (the program gets SIGWINCH); what the user types goes to the PTY as it comes, so Ctrl-C (and
 * Telnet IP/BRK) reach the program's foreground job as SIGINT through the PTY's line discipline,
 * not the TelnetKit shell. The call returns the program's exit status when it exits. When the
 * session ends (the client left, the server stops) or the caller is cancelled, the program and
 * everything it started get SIGHUP, then SIGKILL after [OsShellSettings.hangupGrace]: nothing is
 * left running. All process I/O runs on [Dispatchers.IO], never on an event-loop thread.
 *
 * When the shell may not start (the server runs as root without `runAs` or `allowRoot`, the user
 * does not exist, the program cannot be started) the user reads one short line, the log says why,
 * and the call returns [REFUSED] or [NOT_STARTED].
 *
 * Java, from a blocking handler: `int status = OsShell.runBlocking(session, settings);` or, as a
 * shell command, `builder.command(OsShell.command("shell", settings))`.
 */
public object OsShell {
    /** The status returned when the shell refused to start (root without runAs/allowRoot, unknown user). */
    public const val REFUSED: Int = 126

    /** The status returned when the program could not be started (not found, not executable). */
    public const val NOT_STARTED: Int = 127

    /**
     * Runs the program of [settings] for [session] until it exits (its exit status) or the session
     * ends; see [OsShell]. Only one reader of the session's input at a time: nothing else may read
     * while it runs.
     */
    @JvmSynthetic
    public suspend fun run(session: Session, settings: OsShellSettings): Int {
        val plan = withContext(Dispatchers.IO) { plan(settings) }
        when (plan) {
            is Planned.Refused -> {
                logger.warn { "session ${session.id}: OS shell refused: ${plan.plan.logReason}" }
                session.writeError(plan.plan.message)
                return REFUSED
            }
            is Planned.Ready -> Unit
        }
        val environment = ShellEnvironment.of(
            settings, session.terminalType, session.size, plan.account, session.userEnvironment + session.environment,
        )
        val startSize = session.size
        val program = try {
            withContext(Dispatchers.IO) { PtyProgram.start(plan.argv, environment, plan.directory, startSize) }
        } catch (e: IOException) {
            logger.warn { "session ${session.id}: OS shell ${settings.command.first()} could not start: ${e.message}" }
            session.writeError("The OS shell could not be started.")
            return NOT_STARTED
        }
        logger.info { "session ${session.id}: OS shell started: pid ${program.pid}, ${settings.command.first()}, as ${settings.runAs ?: "the server's user"}" }
        val resize = ResizeListener { size -> runCatching { program.resize(size) } }
        session.addResizeListener(resize)
        // A resize between reading startSize and adding the listener would otherwise be missed.
        if (session.size != startSize) resize.onResize(session.size)
        try {
            val status = session.takeInterrupts { bridge(session, program, charsetOf(settings.lang), settings.hangupGrace) }
            logger.info { "session ${session.id}: OS shell pid ${program.pid} exited with status $status" }
            return status
        } finally {
            session.removeResizeListener(resize)
            withContext(NonCancellable + Dispatchers.IO) { program.terminate(settings.hangupGrace) }
        }
    }

    /**
     * [run] for Java and blocking handlers: blocks the calling thread until the program exits. Call it
     * where blocking is allowed (a Java command handler), never on an event-loop thread.
     */
    @JvmStatic
    public fun runBlocking(session: Session, settings: OsShellSettings): Int =
        kotlinx.coroutines.runBlocking { run(session, settings) }

    /**
     * A shell command called [name] that runs the program of [settings]; when it ends, the TelnetKit
     * shell prints its exit status and sets the session's exit status to it.
     */
    @JvmStatic
    @JvmOverloads
    public fun command(
        name: String,
        settings: OsShellSettings,
        summary: String = "Open an operating-system shell.",
    ): Command = Command(
        name = name,
        summary = summary,
        description = "$summary It runs ${settings.command.first()} in a terminal of its own; leave it with exit.",
        handler = CommandHandler { call ->
            val status = run(call.session, settings)
            call.session.exitStatus = status
            if (status != REFUSED && status != NOT_STARTED) call.session.writeLine("[OS shell ended, exit status $status]")
        },
    )

    /** Copies the program's output to the session and the user's typing to the program, until one side ends. */
    private suspend fun bridge(session: Session, program: PtyProgram, charset: Charset, grace: java.time.Duration): Int = coroutineScope {
        val output = launch(Dispatchers.IO) {
            val decoder = PtyOutputDecoder(charset)
            val buffer = ByteArray(8192)
            while (true) {
                val n = program.read(buffer)
                if (n < 0) break
                if (n > 0) session.write(decoder.decode(buffer, n))
            }
            session.write(decoder.finish())
        }
        val input = launch {
            while (true) {
                val text = session.readText() ?: break
                if (text.isEmpty()) continue
                withContext(Dispatchers.IO) { program.write(text.toByteArray(charset)) }
            }
            // The user's input has ended (the client left): hang the program up now.
            logger.info { "session ${session.id}: input ended; hanging up OS shell pid ${program.pid}" }
            withContext(Dispatchers.IO) { program.terminate(grace) }
        }
        try {
            val status = runInterruptible(Dispatchers.IO) { program.waitFor() }
            // What the program wrote just before it exited is still in the PTY: show it, but do not wait
            // forever for a background job that keeps the PTY open.
            if (withTimeoutOrNull(OUTPUT_DRAIN) { output.join() } == null) output.cancel()
            status
        } finally {
            // Also when the session is cancelled: the output reader is blocked in a native read that
            // cancellation cannot reach, and coroutineScope waits for it. Ending the program and
            // closing the PTY ends that read, so the scope can finish.
            input.cancel()
            withContext(NonCancellable + Dispatchers.IO) { program.terminate(grace) }
        }
    }

    private fun charsetOf(lang: String): Charset {
        val name = lang.substringAfter('.', "UTF-8").substringBefore('@')
        return runCatching { Charset.forName(name) }.getOrDefault(Charsets.UTF_8)
    }

    private sealed class Planned {
        class Ready(val argv: List<String>, val account: UserAccount?, val directory: String) : Planned()
        class Refused(val plan: LaunchPlan.Refuse) : Planned()
    }

    /** The launch plan, after looking up the runAs account. Blocking (getent, /proc): on Dispatchers.IO. */
    private fun plan(settings: OsShellSettings): Planned {
        val account = settings.runAs?.let(UserAccount::lookUp)
        val plan = LaunchPlan.decide(
            settings.command, ServerProcess.effectiveUid, settings.runAs, account, settings.allowRoot, ServerProcess.privilegeTool,
        )
        return when (plan) {
            is LaunchPlan.Refuse -> Planned.Refused(plan)
            is LaunchPlan.Start -> {
                val directory = settings.workingDirectory?.toString()
                    ?: account?.home?.takeIf { Files.isDirectory(Path.of(it)) }
                    ?: if (account != null) "/" else System.getProperty("user.dir")
                Planned.Ready(plan.argv, account, directory)
            }
        }
    }

    private val OUTPUT_DRAIN = 2.seconds
}
