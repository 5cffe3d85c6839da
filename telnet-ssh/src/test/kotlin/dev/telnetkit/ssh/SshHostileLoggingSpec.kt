package dev.telnetkit.ssh

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.LoggerContext
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.classic.spi.IThrowableProxy
import ch.qos.logback.core.Appender
import ch.qos.logback.core.read.ListAppender
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.throwables.shouldThrowAny
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import org.slf4j.LoggerFactory
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds

/**
 * No password reaches the log: every logger (MINA's included, at DEBUG) is captured during failed
 * and successful logins, and no logged text holds a password typed.
 */
class SshHostileLoggingSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-logging")
    val right = "Corr3ct-Horse-Battery-Staple-9f1"
    val wrong = "Wr0ng-Guess-Marker-7c2"

    /** Runs [block] with every log event of DEBUG and above captured (and kept off the console); returns them. */
    suspend fun captured(block: suspend () -> Unit): List<ILoggingEvent> {
        val context = LoggerFactory.getILoggerFactory() as LoggerContext
        val root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        val watched = listOf("org.apache.sshd", "dev.telnetkit").map { context.getLogger(it) }
        val levels = watched.map { it.level }
        val list = ListAppender<ILoggingEvent>().apply { this.context = context; start() }
        val console = root.iteratorForAppenders().asSequence().toList<Appender<ILoggingEvent>>()
        console.forEach { root.detachAppender(it) }
        root.addAppender(list)
        watched.forEach { it.level = Level.DEBUG }
        try {
            block()
        } finally {
            watched.zip(levels).forEach { (logger, level) -> logger.level = level }
            root.detachAppender(list)
            console.forEach { root.addAppender(it) }
            list.stop()
        }
        return list.list.toList()
    }

    fun texts(throwable: IThrowableProxy?): List<String> =
        if (throwable == null) emptyList()
        else listOfNotNull(throwable.message, throwable.className) + throwable.stackTraceElementProxyArray.orEmpty().map { it.steAsString } +
            texts(throwable.cause) + throwable.suppressed.orEmpty().flatMap { texts(it) }

    /** Everything of [event] that could reach a log file. */
    fun everything(event: ILoggingEvent): List<String> =
        listOfNotNull(event.formattedMessage, event.message, event.loggerName, event.threadName) +
            event.argumentArray.orEmpty().mapNotNull { it?.toString() } +
            event.mdcPropertyMap.orEmpty().values.filterNotNull() + texts(event.throwableProxy)

    fun assertNoSecrets(events: List<ILoggingEvent>, vararg secrets: String) {
        println("captured ${events.size} log events (${events.count { it.loggerName.startsWith("org.apache.sshd") }} from MINA)")
        events.size shouldBeGreaterThan 0
        val leaks = events.filter { event -> everything(event).any { text -> secrets.any { it in text } } }
        leaks.map { "${it.loggerName}: ${it.formattedMessage}" }.shouldBeEmpty()
    }

    sshTest("password logins, refused and accepted, log no password (MINA at DEBUG included)") {
        lateinit var server: TelnetServer
        val events = captured {
            server = telnetServer {
                port = 0
                ssh {
                    port = 0
                    hostKey = dir.resolve("host.key")
                    failureDelay = 10.milliseconds
                    password { user, password -> user == "alice" && password == right }
                }
                command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            }.start()
            try {
                val ssh = OpenSsh(server.portOf("ssh"))
                ssh.run("alice", listOf("echo", "hi"), password = wrong).exitCode shouldBe 255
                ssh.run("alice", listOf("echo", "hi"), password = right).stdout shouldBe "hi\n"
            } finally {
                server.stop()
            }
        }
        // The capture saw the logins: it is not empty by accident.
        events.any { it.formattedMessage.orEmpty().contains("SSH login of alice") } shouldBe true
        events.any { it.formattedMessage.orEmpty().contains("login of alice") && it.formattedMessage.orEmpty().contains("refused") } shouldBe true
        assertNoSecrets(events, right, wrong)
    }

    sshTest("keyboard-interactive logins, refused and accepted, log no answer") {
        lateinit var server: TelnetServer
        val events = captured {
            server = telnetServer {
                port = 0
                ssh {
                    port = 0
                    hostKey = dir.resolve("host.key")
                    failureDelay = 10.milliseconds
                    keyboardInteractive { user, answers -> user == "alice" && answers == listOf(right) }
                }
                command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            }.start()
            val client = minaClient()
            try {
                // MINA's client answers a single hidden prompt with the password it was given.
                shouldThrowAny { client.login(server.portOf("ssh"), "alice", wrong).close() }
                client.login(server.portOf("ssh"), "alice", right).use { it.isAuthenticated shouldBe true }
            } finally {
                client.stop()
                server.stop()
            }
        }
        events.any { it.formattedMessage.orEmpty().contains("SSH login of alice") } shouldBe true
        assertNoSecrets(events, right, wrong)
    }

    sshTest("a password check that throws, quoting the password in its message, gets the password logged nowhere") {
        lateinit var server: TelnetServer
        val quoted = "quoted-" + right
        val events = captured {
            server = telnetServer {
                port = 0
                ssh {
                    port = 0
                    hostKey = dir.resolve("host.key")
                    failureDelay = 10.milliseconds
                    password { _, password -> throw IllegalStateException("no account takes '$password'") }
                }
                command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            }.start()
            try {
                OpenSsh(server.portOf("ssh")).run("alice", listOf("echo", "hi"), password = quoted).exitCode shouldBe 255
            } finally {
                server.stop()
            }
        }
        // The message stays, for the operator, with the password blanked out of it.
        events.any { it.formattedMessage.orEmpty().contains("IllegalStateException: no account takes '***'") } shouldBe true
        assertNoSecrets(events, quoted)
    }
})
