package dev.telnetkit.ssh

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The OpenSSH client, run as a test's user would run it: `ssh` (through `sshpass` for a password)
 * against 127.0.0.1, never asking about host keys, its known-hosts file of its own.
 */
class OpenSsh(private val port: Int, private val home: Path = Files.createTempDirectory("openssh-test")) {
    /** The client's known_hosts file: what it remembers of server keys. */
    val knownHosts: Path = home.resolve("known_hosts")

    /** What a finished `ssh` run printed and returned. */
    data class Result(val exitCode: Int, val stdout: String, val stderr: String)

    /** The common options, then [extra], for `user@127.0.0.1`. */
    fun command(user: String, extra: List<String> = emptyList(), remote: List<String> = emptyList(), strictHostKey: Boolean = false): List<String> =
        listOf(
            "ssh", "-p", port.toString(),
            "-F", "/dev/null",
            "-o", "UserKnownHostsFile=$knownHosts",
            "-o", "StrictHostKeyChecking=${if (strictHostKey) "yes" else "no"}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            "-o", "ConnectTimeout=10",
            "-o", "IdentityAgent=none",
        ) + extra + listOf("$user@127.0.0.1") + remote

    /** Runs `ssh` with a [password] (through sshpass) or [identity] file, and [remote] as the command. */
    fun run(
        user: String,
        remote: List<String>,
        password: String? = null,
        identity: Path? = null,
        extra: List<String> = emptyList(),
        input: String = "",
        strictHostKey: Boolean = false,
        timeoutSeconds: Long = 30,
    ): Result {
        val auth = when {
            identity != null -> listOf("-i", identity.toString(), "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-o", "BatchMode=yes")
            password != null -> listOf("-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1")
            else -> listOf("-o", "BatchMode=yes")
        }
        val cmd = (if (password != null) listOf("sshpass", "-p", password) else emptyList()) + command(user, auth + extra, remote, strictHostKey)
        val out = Files.createTempFile(home, "out", ".txt")
        val err = Files.createTempFile(home, "err", ".txt")
        val process = ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start()
        process.outputStream.use { it.write(input.toByteArray()) }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            error("ssh did not finish in $timeoutSeconds s: $cmd\nstdout: ${Files.readString(out)}\nstderr: ${Files.readString(err)}")
        }
        return Result(process.exitValue(), Files.readString(out), Files.readString(err))
    }

    /** Makes a key pair with `ssh-keygen` (Ed25519, no passphrase); returns the private key's path (the public one is beside it, `.pub`). */
    fun keygen(name: String): Path {
        val key = home.resolve(name)
        val process = ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString()).redirectErrorStream(true).start()
        val output = process.inputStream.readAllBytes().decodeToString()
        check(process.waitFor() == 0) { "ssh-keygen failed: $output" }
        return key
    }
}

/**
 * The server most OpenSSH specs run against: Telnet and SSH on free ports, `alice` with the
 * password `secret`, the host key in [dir], an `echo` command and the spec's own [commands]. Not started.
 */
fun aliceServer(dir: Path, commands: TelnetServerScope.() -> Unit = {}): TelnetServer = telnetServer {
    port = 0
    ssh {
        port = 0
        hostKey = dir.resolve("host.key")
        password { user, password -> user == "alice" && password == "secret" }
    }
    command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
    commands()
}
