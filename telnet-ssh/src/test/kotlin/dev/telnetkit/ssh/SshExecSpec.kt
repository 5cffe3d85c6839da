package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.CommandException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds

class SshExecSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-exec")
    lateinit var server: TelnetServer
    lateinit var ssh: OpenSsh

    beforeSpec {
        server = telnetServer {
            port = 0
            connectMaxWait = 300.milliseconds
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                password { user, password -> user == "alice" && password == "secret" }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            command("fail") { run { throw CommandException("fail: it failed") } }
            command("whoami") { run { writeLine(username ?: "nobody") } }
        }.start()
        ssh = OpenSsh(server.portOf("ssh"))
    }
    afterSpec { server.stop() }

    sshTest("ssh host echo hi prints hi and exits 0") {
        val result = ssh.run("alice", listOf("echo", "hi"), password = "secret")
        result.stdout shouldBe "hi\n"
        result.exitCode shouldBe 0
    }

    sshTest("an unknown command exits non-zero with its message on stderr") {
        val result = ssh.run("alice", listOf("nosuch"), password = "secret")
        result.exitCode shouldBe 127
        result.stdout shouldBe ""
        result.stderr shouldContain "Unknown command 'nosuch'"
    }

    sshTest("a failing command exits 1 with its message on stderr") {
        val result = ssh.run("alice", listOf("fail"), password = "secret")
        result.exitCode shouldBe 1
        result.stderr shouldContain "fail: it failed"
    }

    sshTest("the authenticated user is the session's user") {
        ssh.run("alice", listOf("whoami"), password = "secret").stdout shouldBe "alice\n"
    }

    sshTest("a wrong password is refused") {
        val result = ssh.run("alice", listOf("echo", "hi"), password = "wrong")
        result.exitCode shouldBe 255
        result.stderr shouldContain "Permission denied"
        result.stdout shouldBe ""
    }
})
