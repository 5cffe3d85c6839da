package dev.telnetkit.bench

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.ssh.ssh
import kotlinx.coroutines.runBlocking
import org.apache.sshd.core.CoreModuleProperties
import java.nio.file.Path
import kotlin.system.exitProcess
import kotlin.time.Duration

/**
 * The server under test of `telnet-bench ssh`: the demo's prompt, welcome and `echo`, with Telnet
 * (NIO) on --port and SSH on --ssh-port in one process, no idle timeout and session limits raised
 * to the machine's 20,000 open files. Bench only: logins are let in by name alone or with any
 * password.
 *
 * `java -cp telnet-bench.jar dev.telnetkit.bench.SshBenchServerKt --port P --ssh-port S --host-key FILE [--auth password|none] [--read-buffer BYTES]`
 */
fun main(args: Array<String>) {
    var port = 0
    var sshPort = 0
    var hostKey: Path? = null
    var auth = "password"
    var readBuffer: Int? = null
    var i = 0
    fun value(): String = args.getOrNull(++i) ?: run { System.err.println("${args[i - 1]} needs a value"); exitProcess(2) }
    while (i < args.size) {
        when (args[i]) {
            "--port" -> port = value().toInt()
            "--ssh-port" -> sshPort = value().toInt()
            "--read-buffer" -> readBuffer = value().toInt()
            "--host-key" -> hostKey = Path.of(value())
            "--auth" -> auth = value().also { require(it == "password" || it == "none") { "--auth takes password or none" } }
            else -> { System.err.println("unknown option '${args[i]}'"); exitProcess(2) }
        }
        i++
    }
    val key = hostKey ?: Path.of(System.getProperty("java.io.tmpdir"), "telnet-bench-ssh-host.key")
    val server = telnetServer {
        host = "127.0.0.1"
        this.port = port
        idleTimeout = Duration.ZERO
        maxSessions = MAX_SESSIONS
        maxSessionsPerAddress = MAX_SESSIONS
        prompt = BENCH_PROMPT
        welcome = "You have connected to the telnet server."
        ssh {
            host = "127.0.0.1"
            this.port = sshPort
            this.hostKey = key
            // The driver logs in hundreds at once from one address.
            maxUnauthenticated = MAX_SESSIONS
            maxUnauthenticatedPerAddress = MAX_SESSIONS
            if (auth == "none") usernameOnly { true } else password { _, _ -> true }
            // MINA's per-connection read buffer (32 KiB by default), to measure what it costs a held session.
            readBuffer?.let { size -> configure { CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(it, size) } }
        }
        command("echo", listOf("copy", "repeat")) {
            summary = "Echo text back to the console."
            // this.args: the command's parameters, not main's args.
            runCall { writeResponse(this.args.joinToString(" ")) }
        }
    }
    runBlocking { server.start() }
    println("bench server: telnet ${server.port}, ssh ${server.portOf("ssh")}, auth $auth, read buffer ${readBuffer ?: "telnet-ssh's default (4 KiB)"}, host key $key")
    runBlocking { server.awaitTermination() }
}

/** The prompt of the bench server, the demo's. */
const val BENCH_PROMPT: String = "Telnet Server> "
private const val MAX_SESSIONS = 20_000
