package dev.telnetkit.transport.tls

import java.io.ByteArrayInputStream
import java.io.IOException
import java.nio.file.Files
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.security.KeyFactory
import java.security.NoSuchAlgorithmException
import java.security.PrivateKey
import java.security.cert.CertificateException
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.security.spec.InvalidKeySpecException
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64

/**
 * Reads PEM certificates and private keys with the JDK alone.
 *
 * The JDK parses X.509 certificates and PKCS#8 keys (`BEGIN PRIVATE KEY`) but has no parser for
 * the two older key formats OpenSSL still writes by default in many setups: PKCS#1
 * (`BEGIN RSA PRIVATE KEY`) and SEC1 (`BEGIN EC PRIVATE KEY`). Both are the inner part of a PKCS#8
 * key, so each is wrapped here in a PKCS#8 `PrivateKeyInfo` by a few lines of DER ([Der]); no
 * library (BouncyCastle) is used because telnet-core depends on nothing but the JDK, Kotlin,
 * coroutines and logging. Encrypted keys are refused: decrypting them needs the legacy OpenSSL
 * key derivation or PBES2 parameters parsing, and a passphrase in the server's settings protects
 * no more than the key file's permissions do.
 *
 * Every failure is a [TlsConfigurationException] naming the file and the problem.
 */
internal object PemFiles {
    class Block(val label: String, val headers: Map<String, String>, val der: ByteArray, val line: Int)

    private const val BEGIN = "-----BEGIN "
    private const val END = "-----END "

    /** The text of [file], refused with a clear message if missing, unreadable, empty or binary. */
    fun readText(file: Path, what: String): String {
        val bytes = readBytes(file, what)
        if (bytes.isEmpty()) throw TlsConfigurationException("$what $file is empty")
        if (bytes[0] == 0x30.toByte()) {
            throw TlsConfigurationException("$what $file is binary (DER or PKCS#12), not PEM text; convert it to PEM (openssl x509 -inform der / openssl pkey -inform der) or name it as a PKCS#12 keystore")
        }
        return String(bytes, Charsets.US_ASCII)
    }

    fun readBytes(file: Path, what: String): ByteArray {
        try {
            if (Files.isDirectory(file)) throw TlsConfigurationException("$what $file is a directory, not a file")
            return Files.readAllBytes(file)
        } catch (e: NoSuchFileException) {
            throw TlsConfigurationException("$what $file does not exist", e)
        } catch (e: IOException) {
            throw TlsConfigurationException("$what $file cannot be read: ${e.message ?: e.javaClass.simpleName}", e)
        }
    }

    /** The PEM blocks of [text] (the contents of [file], a [what]), in order. Text outside blocks is ignored. */
    fun blocks(text: String, file: Path, what: String): List<Block> {
        val lines = text.lines()
        val blocks = ArrayList<Block>()
        var i = 0
        while (i < lines.size) {
            val line = lines[i].trim()
            if (!line.startsWith(BEGIN) || !line.endsWith("-----")) {
                i++
                continue
            }
            val label = line.removePrefix(BEGIN).removeSuffix("-----")
            val start = i + 1
            val endLine = "$END$label-----"
            val end = (start until lines.size).firstOrNull { lines[it].trim() == endLine }
                ?: throw TlsConfigurationException("$what $file: '$line' at line ${i + 1} has no matching '$endLine'")
            val headers = LinkedHashMap<String, String>()
            var bodyStart = start
            // RFC 1421 headers (Proc-Type, DEK-Info) come first, then a blank line.
            while (bodyStart < end && lines[bodyStart].contains(':')) {
                val (name, value) = lines[bodyStart].split(':', limit = 2)
                headers[name.trim()] = value.trim()
                bodyStart++
            }
            val base64 = (bodyStart until end).joinToString("") { lines[it].trim() }
            val der = try {
                Base64.getDecoder().decode(base64)
            } catch (e: IllegalArgumentException) {
                throw TlsConfigurationException("$what $file: the $label block at line ${i + 1} is not valid Base64 (${e.message})", e)
            }
            if (der.isEmpty()) throw TlsConfigurationException("$what $file: the $label block at line ${i + 1} is empty")
            blocks.add(Block(label, headers, der, i + 1))
            i = end + 1
        }
        return blocks
    }

    /** Every certificate of the PEM [file], in order; at least one. */
    fun certificates(file: Path, what: String = "certificate file"): List<X509Certificate> {
        val blocks = blocks(readText(file, what), file, what)
        val certificateBlocks = blocks.filter { it.label == "CERTIFICATE" || it.label == "X509 CERTIFICATE" || it.label == "TRUSTED CERTIFICATE" }
        if (certificateBlocks.isEmpty()) {
            throw TlsConfigurationException("$what $file holds no certificate (expected '-----BEGIN CERTIFICATE-----', found ${found(blocks)})")
        }
        val factory = CertificateFactory.getInstance("X.509")
        return certificateBlocks.mapIndexed { index, block ->
            try {
                factory.generateCertificate(ByteArrayInputStream(block.der)) as X509Certificate
            } catch (e: CertificateException) {
                throw TlsConfigurationException("$what $file: certificate ${index + 1} (line ${block.line}) is not a valid X.509 certificate", e)
            }
        }
    }

    /** The one private key of the PEM [file]. */
    fun privateKey(file: Path): PrivateKey {
        val blocks = blocks(readText(file, "private key file"), file, "private key file")
        val keyBlocks = blocks.filter { it.label.endsWith("PRIVATE KEY") }
        if (keyBlocks.isEmpty()) {
            throw TlsConfigurationException(
                "private key file $file holds no private key (expected '-----BEGIN PRIVATE KEY-----', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY'; found ${found(blocks)})",
            )
        }
        if (keyBlocks.size > 1) throw TlsConfigurationException("private key file $file holds ${keyBlocks.size} private keys; keep only the server's")
        val block = keyBlocks.single()
        if (block.label == "ENCRYPTED PRIVATE KEY" || block.headers["Proc-Type"]?.contains("ENCRYPTED") == true) {
            throw TlsConfigurationException(
                "private key file $file is encrypted; TelnetKit reads unencrypted PEM keys only. Decrypt it " +
                    "(openssl pkey -in $file -out key.pem) and protect it with file permissions, or use a PKCS#12 keystore with a password",
            )
        }
        return when (block.label) {
            "PRIVATE KEY" -> pkcs8(block.der, file, "PKCS#8 key")
            "RSA PRIVATE KEY" -> pkcs8(Der.wrapPkcs1(block.der), file, "PKCS#1 RSA key")
            "EC PRIVATE KEY" -> pkcs8(Der.wrapSec1(block.der, file), file, "SEC1 EC key")
            "OPENSSH PRIVATE KEY" -> throw TlsConfigurationException(
                "private key file $file is in OpenSSH's own format; convert it to PKCS#8 (ssh-keygen -p -m PKCS8 -f $file)",
            )
            else -> throw TlsConfigurationException("private key file $file: '${block.label}' keys are not supported (use PKCS#8 'BEGIN PRIVATE KEY')")
        }
    }

    private fun found(blocks: List<Block>): String =
        if (blocks.isEmpty()) "no PEM block at all"
        else "only " + blocks.groupingBy { it.label }.eachCount().entries.joinToString { (label, n) -> if (n == 1) label else "$n × $label" }

    private fun pkcs8(der: ByteArray, file: Path, what: String): PrivateKey {
        val oid = try {
            Der.pkcs8AlgorithmOid(der)
        } catch (e: IllegalArgumentException) {
            throw TlsConfigurationException("private key file $file: the $what is not valid DER (${e.message})", e)
        }
        val algorithm = KEY_ALGORITHMS[oid] ?: throw TlsConfigurationException(
            "private key file $file: key algorithm $oid is not supported for a TLS server (supported: RSA, RSASSA-PSS, EC, Ed25519, Ed448, DSA)",
        )
        val factory = try {
            KeyFactory.getInstance(algorithm)
        } catch (e: NoSuchAlgorithmException) {
            throw TlsConfigurationException("private key file $file: this JDK does not support $algorithm keys", e)
        }
        return try {
            factory.generatePrivate(PKCS8EncodedKeySpec(der))
        } catch (e: InvalidKeySpecException) {
            throw TlsConfigurationException("private key file $file: the $what is not a valid $algorithm key (${e.message})", e)
        }
    }

    private val KEY_ALGORITHMS = mapOf(
        "1.2.840.113549.1.1.1" to "RSA",
        "1.2.840.113549.1.1.10" to "RSASSA-PSS",
        "1.2.840.10045.2.1" to "EC",
        "1.3.101.112" to "Ed25519",
        "1.3.101.113" to "Ed448",
        "1.2.840.10040.4.1" to "DSA",
    )
}
