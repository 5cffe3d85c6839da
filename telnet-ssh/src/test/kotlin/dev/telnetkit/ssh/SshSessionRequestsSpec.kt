package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.ResizeListener
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.awaitCancellation
import org.apache.sshd.client.SshClient
import org.apache.sshd.client.channel.ChannelShell
import org.apache.sshd.common.SshConstants
import java.io.OutputStream
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * What an SSH client asks of a session channel reaches the session: the PTY's terminal type and
 * size, `env` variables, `window-change`, and the three ways to interrupt (the `signal INT` and
 * `break` requests, and Ctrl-C typed). Driven with MINA's client, which sends each request exactly.
 */
class SshSessionRequestsSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-requests")
    lateinit var server: TelnetServer
    lateinit var client: SshClient

    beforeSpec {
        server = telnetServer {
            port = 0
            prompt = "req> "
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                usernameOnly { true }
            }
            onSessionStart { addResizeListener(ResizeListener { size -> writeMessage("resized ${size.width}x${size.height}") }) }
            command("info") {
                run { writeLine("term=$terminalType size=${width}x$height user=${environment["USER"]} lang=${userEnvironment["LANG"]} via=$transport") }
            }
            command("hold") {
                run {
                    writeLine("holding")
                    awaitCancellation()
                }
            }
        }.start()
        client = minaClient()
    }
    afterSpec {
        client.stop()
        server.stop()
    }

    /** Everything the channel received, as text. */
    class Collected : OutputStream() {
        private val text = StringBuffer()
        override fun write(b: Int) { text.append(b.toChar()) }
        override fun write(b: ByteArray, off: Int, len: Int) { text.append(String(b, off, len, Charsets.UTF_8)) }
        override fun toString(): String = text.toString()
    }

    suspend fun shell(prompt: Boolean = true, configure: ChannelShell.() -> Unit = {}): Pair<ChannelShell, Collected> {
        val session = client.connect("ann", "127.0.0.1", server.portOf("ssh")).verify(Duration.ofSeconds(20)).session
        session.auth().verify(Duration.ofSeconds(20))
        val out = Collected()
        val shell = session.createShellChannel().apply {
            this.out = out
            this.err = out
            configure()
        }
        shell.open().verify(Duration.ofSeconds(20))
        if (prompt) awaitTrue(20.seconds, { "no prompt: $out" }) { out.toString().contains("req> ") }
        return shell to out
    }

    fun ChannelShell.type(text: String) {
        invertedIn.write(text.toByteArray())
        invertedIn.flush()
    }

    /** Sends the channel request [type] with [payload] written after want-reply (false). */
    fun ChannelShell.request(type: String, payload: (org.apache.sshd.common.util.buffer.Buffer) -> Unit) {
        val buffer = session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST)
        buffer.putUInt(recipient)
        buffer.putString(type)
        buffer.putBoolean(false)
        payload(buffer)
        writePacket(buffer)
    }

    test("the PTY's type and size, env variables and the login's user reach the session") {
        val (shell, out) = shell {
            ptyType = "vt220"
            ptyColumns = 100
            ptyLines = 30
            setEnv("LANG", "C.UTF-8")
        }
        shell.type("info\r")
        awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("term=vt220 size=100x30 user=ann lang=C.UTF-8 via=ssh") }
        shell.close(true)
    }

    test("window-change is a resize: the session's resize listeners hear it") {
        val (shell, out) = shell { ptyColumns = 80; ptyLines = 24 }
        shell.sendWindowChange(132, 43)
        awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("resized 132x43") }
        shell.type("info\r")
        awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("size=132x43") }
        shell.close(true)
    }

    for ((name, interrupt) in listOf<Pair<String, ChannelShell.() -> Unit>>(
        "signal INT" to { request("signal") { it.putString("INT") } },
        "break" to { request("break") { it.putUInt(500) } },
        "Ctrl-C typed" to { type("\u0003") },
    )) {
        test("$name interrupts a running command and the prompt comes back") {
            val (shell, out) = shell()
            shell.type("hold\r")
            awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("holding") }
            val before = out.toString().length
            shell.interrupt()
            awaitTrue(10.seconds, { out.toString() }) { out.toString().substring(before).let { it.contains("^C") && it.contains("req> ") } }
            shell.type("info\r")
            awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("via=ssh") }
            out.toString() shouldNotContain "Internal error"
            shell.close(true)
        }
    }

    test("a shell without a PTY reads line by line: no prompt, no echo, no ANSI, LF line ends") {
        val (shell, out) = shell(prompt = false) { isUsePty = false }
        val before = out.toString().length
        shell.type("info\n")
        awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("via=ssh") }
        val answer = out.toString().substring(before)
        answer shouldNotContain "info\r"
        answer shouldNotContain "\u001b["
        answer shouldNotContain "\r\n"
        answer shouldContain "term=dumb"
        out.toString() shouldNotContain "req> "
        shell.close(true)
    }

    test("agent forwarding, X11 forwarding, a subsystem and an env request past the bounds are each answered with SSH's failure reply") {
        val session = client.connect("ann", "127.0.0.1", server.portOf("ssh")).verify(Duration.ofSeconds(20)).session
        session.auth().verify(Duration.ofSeconds(20))
        val replies = java.util.concurrent.LinkedBlockingQueue<String>()
        val out = Collected()
        // A shell channel that reports the server's replies to requests (MINA's own only logs them).
        val shell = object : ChannelShell(org.apache.sshd.common.channel.PtyChannelConfiguration(), emptyMap<String, Any>()) {
            override fun handleSuccess() { replies.add("success") }
            override fun handleFailure() { replies.add("failure") }
        }
        shell.out = out
        shell.err = out
        session.getService(org.apache.sshd.common.session.ConnectionService::class.java).registerChannel(shell)
        shell.open().verify(Duration.ofSeconds(20))
        awaitTrue(20.seconds, { "no prompt: $out" }) { out.toString().contains("req> ") }
        replies.clear()
        fun ask(type: String, payload: (org.apache.sshd.common.util.buffer.Buffer) -> Unit = {}): String? {
            val buffer = shell.session.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST)
            buffer.putUInt(shell.recipient)
            buffer.putString(type)
            buffer.putBoolean(true)
            payload(buffer)
            shell.writePacket(buffer)
            return replies.poll(10, java.util.concurrent.TimeUnit.SECONDS)
        }
        ask("auth-agent-req@openssh.com") shouldBe "failure"
        ask("x11-req") { it.putBoolean(false); it.putString("MIT-MAGIC-COOKIE-1"); it.putString("00112233445566778899aabbccddeeff"); it.putUInt(0) } shouldBe "failure"
        ask("subsystem") { it.putString("sftp") } shouldBe "failure"
        ask("env") { it.putString("HUGE"); it.putString("x".repeat(20_000)) } shouldBe "failure"
        // The session is unharmed.
        shell.invertedIn.write("info\r".toByteArray())
        shell.invertedIn.flush()
        awaitTrue(10.seconds, { out.toString() }) { out.toString().contains("via=ssh") }
        shell.close(true)
        session.close(true)
    }
})
