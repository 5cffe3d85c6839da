package dev.telnetkit.pty

import io.github.oshai.kotlinlogging.KotlinLogging
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

private val logger = KotlinLogging.logger {}

/** A user of the operating system, as `getent passwd` tells it. */
internal data class UserAccount(val name: String, val uid: Long, val gid: Long, val home: String, val shell: String) {
    companion object {
        /** Parses one `passwd` line (`name:x:uid:gid:gecos:home:shell`); null if it is not one. */
        fun parse(line: String): UserAccount? {
            val f = line.trim().split(':')
            if (f.size < 7) return null
            val uid = f[2].toLongOrNull() ?: return null
            val gid = f[3].toLongOrNull() ?: return null
            return UserAccount(f[0], uid, gid, f[5].ifEmpty { "/" }, f[6].ifEmpty { "/bin/sh" })
        }

        /**
         * Looks [name] up with `getent passwd` (so NSS sources such as LDAP count); null when there is
         * no such user. Blocking process I/O: call it on Dispatchers.IO.
         */
        fun lookUp(name: String): UserAccount? {
            val process = ProcessBuilder("getent", "passwd", name).redirectErrorStream(true).start()
            val out = process.inputStream.bufferedReader().use { it.readText() }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                logger.warn { "getent passwd did not answer in time" }
                return null
            }
            if (process.exitValue() != 0) return null
            return out.lineSequence().firstNotNullOfOrNull(::parse)?.takeIf { it.name == name }
        }
    }
}

/** Facts about the server process itself. */
internal object ServerProcess {
    /**
     * The effective user id of this process, read once from `/proc/self/status`; when that cannot be
     * read, 0 is assumed (the safe answer: as root the shell asks for runAs or allowRoot).
     */
    val effectiveUid: Long by lazy {
        runCatching {
            Files.readAllLines(Path.of("/proc/self/status")).first { it.startsWith("Uid:") }
                .split(Regex("\\s+"))[2].toLong()
        }.getOrElse {
            logger.warn { "could not read this process's user id from /proc/self/status; assuming root" }
            0L
        }
    }

    /** The first of `setpriv` and `runuser` found in the usual system directories, or null. */
    val privilegeTool: Path? by lazy {
        listOf("setpriv", "runuser").firstNotNullOfOrNull { tool ->
            listOf("/usr/bin", "/bin", "/usr/sbin", "/sbin").map { Path.of(it, tool) }.firstOrNull(Files::isExecutable)
        }
    }
}
