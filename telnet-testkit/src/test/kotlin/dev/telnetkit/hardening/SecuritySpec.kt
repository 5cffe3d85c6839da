package dev.telnetkit.hardening

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.indexOf
import dev.telnetkit.server.serverFixture
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.slf4j.LoggerFactory
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.Inet6Address
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.NetworkInterface
import java.net.Socket
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

private const val IAC = TelnetCommand.IAC
private const val SB = TelnetCommand.SB
private const val SE = TelnetCommand.SE

private fun bytesOf(vararg values: Int): ByteArray = ByteArray(values.size) { values[it].toByte() }

private fun sub(option: Int, vararg parts: Any): ByteArray {
    val out = ByteArrayOutputStream()
    out.write(bytesOf(IAC, SB, option))
    for (p in parts) when (p) {
        is Int -> out.write(p)
        is String -> out.write(p.toByteArray(Charsets.ISO_8859_1))
        else -> error("part $p")
    }
    out.write(bytesOf(IAC, SE))
    return out.toByteArray()
}

/** Addresses of this machine other than loopback (and link-local, which need a scope to dial). */
private fun nonLoopbackAddresses(): List<InetAddress> =
    NetworkInterface.getNetworkInterfaces().toList()
        .filter { runCatching { it.isUp && !it.isLoopback }.getOrDefault(false) }
        .flatMap { it.inetAddresses.toList() }
        .filter { !it.isLoopbackAddress && !it.isLinkLocalAddress && !it.isAnyLocalAddress }

private const val USER = "alice"
private const val PASSWORD = "Pw-3x4mpl3!secret"
private const val WRONG_PASSWORD = "Pw-wr0ng-9f8e7d"

private val echoCommand = Command("echo", handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) })

class SecuritySpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()
    val abusers = abuserPool()
    val log = captureServerLog()

    fun loginShell(maxAttempts: Int = 3) = CommandShell(
        ShellSettings(
            listOf(echoCommand),
            login = LoginSettings(Authenticator { _, user, password -> user == USER && password == PASSWORD }, maxAttempts = maxAttempts, failureDelay = Duration.ZERO),
        ),
    )

    test("the default bind address is loopback, and a server started with defaults cannot be reached on this machine's other addresses") {
        ServerSettings().host shouldBe "127.0.0.1"
        TelnetServer.builder().command(echoCommand).build().settings.host shouldBe "127.0.0.1"

        val server = fixture.start(ServerSettings(port = 0), recordingEcho())
        val local = fixture.connect(server)
        local.awaitPrompt("> ")
        local.roundTrip("on-loopback")

        val others = nonLoopbackAddresses()
        if (others.isEmpty()) println("no non-loopback address on this machine: the reachability part is skipped")
        for (address in others) {
            val reached = withContext(Dispatchers.IO) {
                try {
                    Socket().use { it.connect(InetSocketAddress(address, server.port), 1000) }
                    true
                } catch (_: IOException) {
                    false
                }
            }
            withClue("${if (address is Inet6Address) "IPv6" else "IPv4"} address ${address.hostAddress} port ${server.port}") { reached.shouldBeFalse() }
        }
        server.sessions.map { it.remoteHost } shouldBe listOf("127.0.0.1")
    }

    for ((mode, profile) in listOf("character mode" to TerminalProfile.XTERM, "line mode" to TerminalProfile.REFUSE_ALL)) {
        test("a password typed at login is never logged at any level, never echoed, and never kept in history ($mode)") {
            (LoggerFactory.getLogger("dev.telnetkit") as Logger).effectiveLevel shouldBe Level.DEBUG
            val server = fixture.start(limitSettings(connectMaxWait = Duration.ofSeconds(5)), loginShell())
            val client = fixture.connect(server, profile)
            client.awaitPrompt("Username: ")
            client.sendLine(USER)
            client.awaitPrompt("Password: ")
            client.sendLine(WRONG_PASSWORD)
            client.awaitPrompt("Username: ")
            client.sendLine(USER)
            client.awaitPrompt("Password: ")
            client.sendLine(PASSWORD)
            client.awaitPrompt("> ")
            client.sendLine("echo hi")
            client.awaitPrompt("> ")
            val session = server.sessions.single()
            session.history.entries shouldBe listOf("echo hi")

            if (profile === TerminalProfile.XTERM) {
                // Up recalls only the command; Ctrl-R finds nothing of the password.
                client.send("\u001b[A\u001b[A")
                client.awaitText("echo hi\u0007")
                client.send("\u0012" + "3x4mpl3")
                client.awaitText("(failed reverse-i-search)`3x4mpl3': ")
                client.send("\u0007\u0015")
                client.sendLine("echo after")
                client.awaitText("after\r\n")
            }

            val wire = client.receivedBytes
            for (secret in listOf(PASSWORD, WRONG_PASSWORD)) {
                withClue("'$secret' on the wire") { wire.indexOf(secret.toByteArray()) shouldBe -1 }
                withClue("'$secret' in the log") { log.events.any { secret in it.formattedMessage || it.throwableProxy?.message?.contains(secret) == true }.shouldBeFalse() }
                withClue("'$secret' in the history") { session.history.entries.any { secret in it }.shouldBeFalse() }
            }
            // Not even its length: after the prompt comes the line break (character mode) or nothing (line mode).
            val afterPrompt = if (profile === TerminalProfile.XTERM) "Password: \r\nLogin incorrect.\r\n" else "Password: Login incorrect.\r\n"
            client.output shouldContain afterPrompt
            withClue("DEBUG events were captured") { log.events.any { it.level == Level.DEBUG || it.level == Level.INFO }.shouldBeTrue() }
        }
    }

    test("a wrong user name and a wrong password get byte-identical answers") {
        val server = fixture.start(limitSettings(connectMaxWait = Duration.ofSeconds(5)), loginShell(maxAttempts = 1))
        suspend fun answer(user: String, password: String): ByteArray {
            val client = fixture.connect(server)
            client.awaitPrompt("Username: ")
            client.sendLine(user)
            client.awaitPrompt("Password: ")
            val mark = client.receivedBytes.size
            client.sendLine(password)
            client.awaitClosed(10.seconds).shouldBeTrue()
            return client.receivedBytes.copyOfRange(mark, client.receivedBytes.size)
        }
        val wrongPassword = answer(USER, WRONG_PASSWORD)
        val wrongUser = answer("mallory", PASSWORD)
        String(wrongPassword, Charsets.ISO_8859_1) shouldBe "\r\nLogin incorrect.\r\nToo many failed attempts.\r\n"
        wrongUser.toList() shouldBe wrongPassword.toList()
    }

    test("terminal types, NEW-ENVIRON names and values, CHARSET names and malformed subnegotiations from a client never reach a log line unescaped") {
        val server = fixture.start(limitSettings(), recordingEcho())
        val client = abusers.connect(server.port, keepAll = true)
        client.awaitText("\u00ff\u00fd\u0018").shouldBeTrue() // IAC DO TTYPE
        client.send(
            bytesOf(
                IAC, TelnetCommand.WILL, TelnetOption.TTYPE, IAC, TelnetCommand.WILL, TelnetOption.NEW_ENVIRON,
                IAC, TelnetCommand.WILL, TelnetOption.CHARSET, IAC, TelnetCommand.WILL, TelnetOption.TSPEED,
                IAC, TelnetCommand.WILL, TelnetOption.XDISPLOC, IAC, TelnetCommand.WILL, TelnetOption.NAWS,
            ),
        )
        client.awaitText("\u00ff\u00fa\u002a\u0001").shouldBeTrue() // the server's CHARSET REQUEST
        val injected = "\r\nFAKE LOG LINE"
        client.send(
            // The same name twice ends the TTYPE cycle, so the name becomes the terminal type.
            sub(TelnetOption.TTYPE, 0, "xterm${injected} TTYPE\u001b[31m") + sub(TelnetOption.TTYPE, 0, "xterm${injected} TTYPE\u001b[31m") +
                sub(TelnetOption.NEW_ENVIRON, 0, 0, "USER", 1, "bob${injected} ENV\u001b]0;x\u0007", 0, "EVIL${injected} NAME", 1, "v") +
                sub(TelnetOption.CHARSET, 2, "x${injected} CHARSET\u001b[2J") +
                sub(TelnetOption.NAWS, 0, 80, 0) +
                sub(TelnetOption.TSPEED, 0, "9600${injected} TSPEED,x") +
                sub(TelnetOption.XDISPLOC, 0, "evil${injected} XDISPLOC:0") +
                sub(TelnetOption.CHARSET, 1, ";x${injected} REQUEST\u001b[2J") +
                sub(200, "junk${injected} OTHER"),
        ).shouldBeTrue()
        client.send("hello${injected} DATA\u001b[2J\r\n").shouldBeTrue()
        client.awaitText("got [", 10.seconds).shouldBeTrue()
        val session = server.sessions.single()
        awaitCondition("the environment arrived") { session.environment.isNotEmpty() }

        val events = log.events.filter { it.loggerName.startsWith("dev.telnetkit") }
        events.shouldNotBeEmpty()
        val unescaped = events.filter { e -> e.formattedMessage.any { it < ' ' || it == '\u007f' || it in '\u0080'..'\u009f' } }
        withClue("log lines with raw control characters: ${unescaped.map { it.formattedMessage }}") { unescaped.shouldBeEmpty() }
        val text = events.joinToString("\n") { it.formattedMessage }
        // The one client-supplied text the library logs (a charset it never offered) is there, escaped.
        text shouldContain "client accepted charset 'x\\r\\nFAKE LOG LINE CHARSET\\u001b[2J' that was not offered"
        text shouldContain "malformed NAWS subnegotiation"
        text shouldContain "malformed TSPEED subnegotiation"

        // The client-controlled facts reach the application as sent (untrusted), or filtered to printable ASCII.
        session.environment["USER"] shouldBe "bob${injected} ENV\u001b]0;x\u0007"
        session.terminalType shouldBe "xtermfake log line ttype[31m"
        session.displayLocation shouldNotBe null
        session.displayLocation!!.any { it < ' ' }.shouldBeFalse()
    }
    test("an exception whose message quotes client text (a continuation line with its newline) is logged with its stack trace but escaped") {
        val failing = Command(
            name = "fail",
            handler = CommandHandler { call -> throw IllegalStateException("bad argument '${call.args.joinToString(" ")}'", IllegalArgumentException("cause: ${call.raw}")) },
        )
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(failing))))
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.sendLine("fail \"one")
        client.awaitPrompt("... ")
        client.sendLine("FAKE LOG LINE\"")
        client.awaitText("internal error")
        awaitCondition("the failure was logged") { log.events.any { it.level == Level.ERROR && it.throwableProxy != null } }
        val event = log.events.single { it.level == Level.ERROR && it.throwableProxy != null }
        val messages = generateSequence(event.throwableProxy) { it.cause }.map { it.message ?: "" }.toList()
        messages.size shouldBe 2
        withClue("exception messages as logged: $messages") {
            messages.none { m -> m.any { it < ' ' || it == '\u007f' } }.shouldBeTrue()
            messages[0] shouldContain "bad argument 'one\\nFAKE LOG LINE'"
            messages[0] shouldContain "java.lang.IllegalStateException"
        }
        withClue("the stack trace is kept") { event.throwableProxy.stackTraceElementProxyArray.isNotEmpty().shouldBeTrue() }
    }
})
