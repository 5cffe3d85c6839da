package dev.telnetkit.shell

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import dev.telnetkit.server.ServerFixture
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.testSettings
import io.kotest.core.spec.style.FunSpec
import org.slf4j.LoggerFactory

/** The prompt of the test shells. */
internal const val PROMPT = "> "

/** Ctrl-C and Ctrl-D as typed in character mode. */
internal const val CTRL_C = "\u0003"
internal const val CTRL_D = "\u0004"

/** Starts a [CommandShell] with [shell] on a test server. */
internal suspend fun ServerFixture.startShell(shell: ShellSettings, server: ServerSettings = testSettings()): TelnetServer =
    start(server, CommandShell(shell))

/** A command with a handler, named arguments for brevity. */
internal fun command(
    name: String,
    vararg aliases: String,
    usage: String = "",
    summary: String = "",
    description: String = "",
    hidden: Boolean = false,
    handler: CommandHandler,
): Command = Command(name, aliases.toList(), usage, summary, description, hidden, handler = handler)

/**
 * Captures what the loggers under [name] log during each test of this spec (as HandlerFailureSpec
 * does for the connection), so tests can check what reached the server log.
 */
internal fun FunSpec.captureLogs(name: String = "dev.telnetkit"): ListAppender<ILoggingEvent> {
    val logger = LoggerFactory.getLogger(name) as Logger
    val appender = ListAppender<ILoggingEvent>()
    beforeTest {
        synchronized(appender) { appender.list.clear() }
        appender.start()
        logger.addAppender(appender)
    }
    afterTest { logger.detachAppender(appender) }
    return appender
}

/** A snapshot of the captured events (appended from server threads under the appender's lock). */
internal val ListAppender<ILoggingEvent>.events: List<ILoggingEvent> get() = synchronized(this) { list.toList() }

/** Every message, argument and exception text logged, for "this never reached the log" checks. */
internal fun ListAppender<ILoggingEvent>.allText(): String = events.joinToString("\n") { e ->
    buildString {
        append(e.formattedMessage)
        var t = e.throwableProxy
        while (t != null) {
            append(" | ").append(t.className).append(": ").append(t.message)
            t = t.cause
        }
    }
}
