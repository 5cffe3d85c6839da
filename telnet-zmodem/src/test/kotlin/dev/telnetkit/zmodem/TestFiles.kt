package dev.telnetkit.zmodem

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import kotlin.random.Random

/** Test files made at test time, and their digests. */
internal object TestFiles {
    /** [size] random bytes (seeded, so a failure can be repeated) in [folder]/[name]. */
    fun random(folder: Path, name: String, size: Long, seed: Int = name.hashCode()): Path {
        val path = folder.resolve(name)
        val random = Random(seed)
        Files.newOutputStream(path).use { out ->
            val block = ByteArray(64 * 1024)
            var left = size
            while (left > 0) {
                random.nextBytes(block)
                val n = minOf(left, block.size.toLong()).toInt()
                out.write(block, 0, n)
                left -= n
            }
        }
        return path
    }

    /**
     * Every byte value, then the sequences that matter to ZModem and Telnet (ZDLE runs, five CAN,
     * IAC runs, `**` ZDLE `B`, `@` CR, XON/XOFF with and without the high bit, `rz\r`), then random bytes.
     */
    fun tricky(folder: Path, name: String): Path {
        val bytes = java.io.ByteArrayOutputStream()
        for (b in 0..255) bytes.write(b)
        for (b in 255 downTo 0) { bytes.write(b); bytes.write(b) }
        val runs = listOf(
            List(10) { 0x18 }, List(10) { 0xff }, listOf(0xff, 0xfa, 0xff, 0xf0), listOf(0x2a, 0x2a, 0x18, 0x42, 0x30, 0x30),
            listOf(0x2a, 0x18, 0x43), listOf(0x40, 0x0d, 0xc0, 0x8d, 0x0d, 0x0a, 0x0d, 0x00),
            listOf(0x10, 0x11, 0x13, 0x90, 0x91, 0x93, 0x7f, 0xff), "rz\r".map { it.code }, List(5) { 0x18 } + listOf(0x08),
        )
        repeat(50) { for (run in runs) run.forEach { bytes.write(it) } }
        val random = Random(7).nextBytes(64 * 1024)
        bytes.write(random)
        val path = folder.resolve(name)
        Files.write(path, bytes.toByteArray())
        return path
    }

    fun sha256(path: Path): String {
        val digest = MessageDigest.getInstance("SHA-256")
        Files.newInputStream(path).use { input ->
            val buffer = ByteArray(64 * 1024)
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                digest.update(buffer, 0, n)
            }
        }
        return digest.digest().joinToString("") { "%02x".format(it) }
    }

    fun deleteTree(folder: Path) {
        if (!Files.exists(folder)) return
        Files.walk(folder).use { paths -> paths.sorted(Comparator.reverseOrder()).forEach { Files.deleteIfExists(it) } }
    }
}
