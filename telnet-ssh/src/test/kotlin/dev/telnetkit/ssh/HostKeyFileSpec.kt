package dev.telnetkit.ssh

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import java.io.IOException
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions

/** The host key file: made once with owner-only permissions, read back the same, never replaced. */
class HostKeyFileSpec : FunSpec({
    val dir = Files.createTempDirectory("host-keys")

    test("an Ed25519 key is made on first use, owner-only, and the same key is read afterwards") {
        val file = dir.resolve("sub/dir/ed25519.key")
        val made = HostKeyFile.loadOrCreate(file, HostKeyType.ED25519)
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) shouldBe "rw-------"
        val again = HostKeyFile.loadOrCreate(file, HostKeyType.RSA)
        again.public shouldBe made.public
        HostKeyFile.fingerprint(again.public) shouldBe HostKeyFile.fingerprint(made.public)
        HostKeyFile.fingerprint(made.public) shouldStartWith "SHA256:"
        Files.list(file.parent).use { it.count() } shouldBe 1 // no temporary file left behind
    }

    test("RSA is made when asked for") {
        HostKeyFile.loadOrCreate(dir.resolve("rsa.key"), HostKeyType.RSA).public.algorithm shouldBe "RSA"
    }

    sshTest("the key ssh-keygen reads is the key: its fingerprint matches ssh-keygen -l") {
        val file = dir.resolve("check.key")
        val pair = HostKeyFile.loadOrCreate(file, HostKeyType.ED25519)
        val process = ProcessBuilder("ssh-keygen", "-l", "-f", file.toString()).redirectErrorStream(true).start()
        val listed = process.inputStream.readAllBytes().decodeToString()
        process.waitFor() shouldBe 0
        listed shouldContain HostKeyFile.fingerprint(pair.public)
    }

    test("a corrupt key file stops with a message naming it, and is left as it was") {
        val file = dir.resolve("corrupt.key")
        Files.writeString(file, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n")
        val before = Files.readAllBytes(file)
        val failure = shouldThrow<IOException> { HostKeyFile.loadOrCreate(file, HostKeyType.ED25519) }
        failure.message shouldContain file.toString()
        failure.message shouldContain "changed host key"
        Files.readAllBytes(file) shouldBe before
    }

    test("a file with no key in it stops too") {
        val file = dir.resolve("empty.key")
        Files.writeString(file, "")
        shouldThrow<IOException> { HostKeyFile.loadOrCreate(file, HostKeyType.ED25519) }.message shouldContain file.toString()
        Files.size(file) shouldBe 0
    }

    test("a key path that cannot be read (here a directory, so that it holds as root too) stops with a message naming it") {
        val path = Files.createDirectories(dir.resolve("a-directory.key"))
        shouldThrow<IOException> { HostKeyFile.loadOrCreate(path, HostKeyType.ED25519) }.message shouldContain "cannot be read"
        Files.isDirectory(path) shouldBe true
    }
})
