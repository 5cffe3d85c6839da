package dev.telnetkit.transport.tls

import java.io.ByteArrayOutputStream
import java.nio.file.Path

/**
 * Just enough DER (ITU-T X.690) to read the algorithm of a PKCS#8 key and to wrap PKCS#1 and SEC1
 * keys in PKCS#8 ([PemFiles] says why this is hand-written). Reading is strict about lengths:
 * every element must fit in its parent, so truncated or garbage input fails with
 * [IllegalArgumentException] rather than reading past the end.
 */
internal object Der {
    private const val INTEGER = 0x02
    private const val OCTET_STRING = 0x04
    private const val NULL = 0x05
    private const val OID = 0x06
    private const val SEQUENCE = 0x30
    private const val CONTEXT_0 = 0xA0

    private const val RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
    private const val EC_PUBLIC_KEY = "1.2.840.10045.2.1"

    /** One element: its tag and where its value lies in the input. */
    class Element(val tag: Int, private val input: ByteArray, val start: Int, val end: Int) {
        val length: Int get() = end - start
        fun value(): ByteArray = input.copyOfRange(start, end)

        /** The elements inside this constructed element. */
        fun children(): List<Element> {
            val result = ArrayList<Element>()
            var at = start
            while (at < end) {
                val child = read(input, at, end)
                result.add(child)
                at = child.end
            }
            return result
        }
    }

    /** The element starting at [offset], which must end by [limit]. */
    fun read(input: ByteArray, offset: Int = 0, limit: Int = input.size): Element {
        require(offset < limit) { "truncated: no element at offset $offset" }
        val tag = input[offset].toInt() and 0xFF
        require(tag and 0x1F != 0x1F) { "multi-byte tags are not used here (offset $offset)" }
        require(offset + 1 < limit) { "truncated length at offset ${offset + 1}" }
        val first = input[offset + 1].toInt() and 0xFF
        var at = offset + 2
        val length: Int
        if (first < 0x80) {
            length = first
        } else {
            val count = first and 0x7F
            require(count in 1..3) { "unsupported length of $count bytes at offset ${offset + 1}" }
            require(at + count <= limit) { "truncated length at offset ${offset + 1}" }
            var n = 0
            repeat(count) { n = (n shl 8) or (input[at++].toInt() and 0xFF) }
            length = n
        }
        require(length <= limit - at) { "element at offset $offset claims $length bytes, only ${limit - at} remain" }
        return Element(tag, input, at, at + length)
    }

    /** The algorithm OID of a PKCS#8 PrivateKeyInfo: SEQUENCE { version, SEQUENCE { OID, params }, OCTET STRING }. */
    fun pkcs8AlgorithmOid(der: ByteArray): String {
        val info = read(der)
        require(info.tag == SEQUENCE && info.end == der.size) { "not a PKCS#8 PrivateKeyInfo SEQUENCE" }
        val parts = info.children()
        require(parts.size >= 3 && parts[0].tag == INTEGER && parts[1].tag == SEQUENCE && parts[2].tag == OCTET_STRING) {
            "not a PKCS#8 PrivateKeyInfo (version, algorithm, key)"
        }
        val algorithm = parts[1].children()
        require(algorithm.isNotEmpty() && algorithm[0].tag == OID) { "the key's AlgorithmIdentifier has no OID" }
        return decodeOid(algorithm[0].value())
    }

    /** PKCS#1 RSAPrivateKey wrapped in PKCS#8: SEQUENCE { 0, SEQUENCE { rsaEncryption, NULL }, OCTET STRING { key } }. */
    fun wrapPkcs1(pkcs1: ByteArray): ByteArray {
        val algorithm = tlv(SEQUENCE, tlv(OID, encodeOid(RSA_ENCRYPTION)) + tlv(NULL, ByteArray(0)))
        return tlv(SEQUENCE, tlv(INTEGER, byteArrayOf(0)) + algorithm + tlv(OCTET_STRING, pkcs1))
    }

    /**
     * SEC1 ECPrivateKey wrapped in PKCS#8. SEC1 is SEQUENCE { 1, OCTET STRING key, [0] curve OID,
     * [1] public key }; PKCS#8 wants the curve in its AlgorithmIdentifier, so it is taken from [0]
     * (OpenSSL always writes it). The SEC1 structure goes inside unchanged.
     */
    fun wrapSec1(sec1: ByteArray, file: Path): ByteArray {
        val curve = try {
            val key = read(sec1)
            require(key.tag == SEQUENCE) { "not a SEQUENCE" }
            val parts = key.children()
            require(parts.size >= 2 && parts[0].tag == INTEGER && parts[1].tag == OCTET_STRING) { "not a SEC1 ECPrivateKey" }
            val parameters = parts.firstOrNull { it.tag == CONTEXT_0 }
                ?: throw TlsConfigurationException("private key file $file: the EC PRIVATE KEY names no curve; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in $file)")
            val inner = parameters.children().singleOrNull()
            if (inner == null || inner.tag != OID) {
                throw TlsConfigurationException("private key file $file: the EC PRIVATE KEY has explicit curve parameters; only named curves are supported")
            }
            inner.value()
        } catch (e: IllegalArgumentException) {
            if (e is TlsConfigurationException) throw e
            throw TlsConfigurationException("private key file $file: the EC PRIVATE KEY is not valid SEC1 DER (${e.message})", e)
        }
        val algorithm = tlv(SEQUENCE, tlv(OID, encodeOid(EC_PUBLIC_KEY)) + tlv(OID, curve))
        return tlv(SEQUENCE, tlv(INTEGER, byteArrayOf(0)) + algorithm + tlv(OCTET_STRING, sec1))
    }

    /** A DER element with [tag] and [value]. */
    fun tlv(tag: Int, value: ByteArray): ByteArray {
        val out = ByteArrayOutputStream(value.size + 6)
        out.write(tag)
        val n = value.size
        when {
            n < 0x80 -> out.write(n)
            n < 0x100 -> { out.write(0x81); out.write(n) }
            n < 0x10000 -> { out.write(0x82); out.write(n shr 8); out.write(n and 0xFF) }
            else -> { out.write(0x83); out.write(n shr 16); out.write((n shr 8) and 0xFF); out.write(n and 0xFF) }
        }
        out.write(value)
        return out.toByteArray()
    }

    fun encodeOid(oid: String): ByteArray {
        val arcs = oid.split('.').map { it.toLong() }
        require(arcs.size >= 2) { "OID $oid has fewer than two arcs" }
        val out = ByteArrayOutputStream()
        fun base128(value: Long) {
            var shift = (63 - java.lang.Long.numberOfLeadingZeros(value or 1)) / 7 * 7
            while (shift > 0) {
                out.write(((value shr shift) and 0x7F).toInt() or 0x80)
                shift -= 7
            }
            out.write((value and 0x7F).toInt())
        }
        base128(arcs[0] * 40 + arcs[1])
        arcs.drop(2).forEach(::base128)
        return out.toByteArray()
    }

    fun decodeOid(bytes: ByteArray): String {
        require(bytes.isNotEmpty()) { "empty OID" }
        val arcs = ArrayList<Long>()
        var value = 0L
        for ((index, byte) in bytes.withIndex()) {
            val b = byte.toInt() and 0xFF
            require(value < (1L shl 56)) { "OID arc too large" }
            value = (value shl 7) or (b and 0x7F).toLong()
            if (b and 0x80 == 0) {
                if (arcs.isEmpty()) {
                    val first = if (value < 80) value / 40 else 2
                    arcs.add(first)
                    arcs.add(value - first * 40)
                } else {
                    arcs.add(value)
                }
                value = 0
            } else {
                require(index < bytes.size - 1) { "truncated OID" }
            }
        }
        return arcs.joinToString(".")
    }
}
