package dev.telnetkit.ssh

import io.github.oshai.kotlinlogging.KotlinLogging
import org.apache.sshd.common.NamedResource
import org.apache.sshd.common.config.keys.KeyUtils
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter
import org.apache.sshd.common.keyprovider.KeyPairProvider
import org.apache.sshd.common.util.security.SecurityUtils
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.nio.file.AccessDeniedException
import java.nio.file.FileAlreadyExistsException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermission
import java.nio.file.attribute.PosixFilePermissions
import java.security.KeyPair
import java.security.PublicKey

private val logger = KotlinLogging.logger {}

/**
 * The server's host key on disk: made on the first start, read on every later one. A host key
 * should never change (clients remember it and warn loudly when it does), so a file that exists but
 * cannot be read is an error that stops the start; it is never replaced.
 */
internal object HostKeyFile {
    private val OWNER_ONLY = PosixFilePermissions.fromString("rw-------")

    /** The key pair in [path], made there (of [type], owner-only) if there is no file yet. */
    fun loadOrCreate(path: Path, type: HostKeyType): KeyPair {
        val absolute = path.toAbsolutePath()
        if (!Files.exists(absolute)) {
            val made = generate(type)
            if (store(absolute, made)) {
                logger.info { "SSH host key generated: $absolute (${type.name.lowercase()})" }
                return made
            }
            // Another process made it meanwhile: that one is the key.
        }
        return load(absolute)
    }

    /** The OpenSSH fingerprint of [key]: `SHA256:` and the base64 of its digest, as `ssh-keygen -l` shows. */
    fun fingerprint(key: PublicKey): String = KeyUtils.getFingerPrint(key)

    private fun generate(type: HostKeyType): KeyPair = when (type) {
        HostKeyType.ED25519 -> {
            check(SecurityUtils.isEDDSACurveSupported()) { "Ed25519 is not available (BouncyCastle missing from the class path?); use HostKeyType.RSA" }
            KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256)
        }
        HostKeyType.RSA -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, RSA_BITS)
    }

    /** Writes [pair] to [path] with owner-only permissions; false if [path] appeared meanwhile. */
    private fun store(path: Path, pair: KeyPair): Boolean {
        val text = ByteArrayOutputStream().also { OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "telnetkit host key", null, it) }.toByteArray()
        val dir = path.parent ?: Path.of(".")
        try {
            Files.createDirectories(dir)
        } catch (e: IOException) {
            throw IOException("SSH host key: cannot create the directory $dir for $path: ${e.message}", e)
        }
        // Written whole under another name, then moved into place: a crash never leaves half a key.
        val temp = try {
            if (posix(dir)) Files.createTempFile(dir, ".hostkey", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            else Files.createTempFile(dir, ".hostkey", ".tmp")
        } catch (e: IOException) {
            throw IOException("SSH host key: cannot write a new key next to $path: ${e.message}", e)
        }
        try {
            Files.write(temp, text)
            try {
                // Without REPLACE_EXISTING: a file that appeared meanwhile is kept, never overwritten.
                Files.move(temp, path)
            } catch (_: FileAlreadyExistsException) {
                return false
            }
            return true
        } finally {
            Files.deleteIfExists(temp)
        }
    }

    private fun load(path: Path): KeyPair {
        val bytes = try {
            Files.readAllBytes(path)
        } catch (e: AccessDeniedException) {
            throw IOException("SSH host key $path cannot be read (permission denied): give the server's user read access; it is not replaced, since a new key changes the server's identity", e)
        } catch (e: NoSuchFileException) {
            throw IOException("SSH host key $path disappeared while it was read", e)
        } catch (e: IOException) {
            throw IOException("SSH host key $path cannot be read: ${e.message}", e)
        }
        val pairs = try {
            SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(path.toString()), bytes.inputStream(), null)?.toList().orEmpty()
        } catch (e: Exception) {
            throw IOException("SSH host key $path is not a private key TelnetKit can read (${e.javaClass.simpleName}: ${e.message}); restore it, or move it away to have a new one made, which clients will see as a changed host key", e)
        }
        val pair = pairs.firstOrNull()
            ?: throw IOException("SSH host key $path holds no private key; restore it, or move it away to have a new one made, which clients will see as a changed host key")
        warnIfOpen(path)
        return pair
    }

    private fun warnIfOpen(path: Path) {
        if (!posix(path)) return
        val permissions = try { Files.getPosixFilePermissions(path) } catch (_: IOException) { return }
        val open = permissions - setOf(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)
        if (open.isNotEmpty()) logger.warn { "SSH host key $path can be read by others (${PosixFilePermissions.toString(permissions)}): chmod 600 it" }
    }

    private fun posix(path: Path): Boolean = "posix" in path.fileSystem.supportedFileAttributeViews()

    private const val RSA_BITS = 3072
}
