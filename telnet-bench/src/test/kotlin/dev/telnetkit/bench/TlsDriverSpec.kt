package dev.telnetkit.bench

import io.kotest.core.spec.style.StringSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.security.KeyFactory
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLServerSocket

/**
 * The load driver's TLS client (SSLEngine on the selector thread) against a small blocking JDK
 * TLS server that plays a Telnet shell: DO NAWS, a 40 KB banner (several TLS records, so reads
 * end inside records), the prompt, and `echo X` answered with X and the prompt.
 */
class TlsDriverSpec : StringSpec({
    val dir = Files.createTempDirectory("tls-driver-spec").toFile()
    val (cert, key) = TestCertificate.generate(dir)
    val (otherCert, _) = TestCertificate.generate(java.io.File(dir, "other"))

    "opens sessions over TLS and runs the echo loop" {
        ShellServer(serverContext(cert, key)).use { server ->
            LoadDriver(server.address, PROMPT).use { driver ->
                driver.tls = TlsClientContext.trusting(cert)
                val opened = SessionOpener(driver, 20, 10, 20_000_000_000L).run(System.nanoTime() + 60_000_000_000L)
                opened.reached shouldBe 20
                opened.failures.total shouldBe 0
                driver.tlsFacts!!.protocol shouldStartWith "TLSv1."
                val echo = EchoLoop(driver, driver.idleSessions(), 200_000_000L, 1_000_000_000L, 10_000_000_000L, null).run()
                echo.requests shouldBeGreaterThan 100L
                echo.badReplies shouldBe 0L
                echo.failures.total shouldBe 0
                driver.idleSessions().size shouldBe 20
                server.negotiationBytes.get() shouldBeGreaterThan 0
            }
        }
    }

    "TLS switched on and off between phases: TLS and plain sessions on one driver and one port" {
        ShellServer(serverContext(cert, key), detect = true).use { server ->
            LoadDriver(server.address, PROMPT).use { driver ->
                driver.tls = TlsClientContext.trusting(cert)
                SessionOpener(driver, 5, 5, 20_000_000_000L).run(System.nanoTime() + 60_000_000_000L).reached shouldBe 5
                driver.tls = null
                SessionOpener(driver, 5, 5, 20_000_000_000L).run(System.nanoTime() + 60_000_000_000L).reached shouldBe 5
                driver.sessions.count { it.tls != null } shouldBe 5
                server.tlsSessions.get() shouldBe 5
                server.plainSessions.get() shouldBe 5
                val echo = EchoLoop(driver, driver.idleSessions(), 0L, 500_000_000L, 10_000_000_000L, null).run()
                echo.requests shouldBeGreaterThan 10L
                echo.errors shouldBe 0L
            }
        }
    }

    "a server certificate the driver does not trust fails the session as a connect error" {
        ShellServer(serverContext(cert, key)).use { server ->
            LoadDriver(server.address, PROMPT).use { driver ->
                driver.tls = TlsClientContext.trusting(otherCert)
                val opened = SessionOpener(driver, 3, 3, 5_000_000_000L).run(System.nanoTime() + 20_000_000_000L)
                opened.reached shouldBe 0
                opened.failures.connectErrors shouldBe 3
            }
        }
    }
}) {
    private companion object {
        const val PROMPT = "Test Shell> "

        fun serverContext(cert: java.io.File, key: java.io.File): SSLContext {
            val chain = cert.inputStream().use { CertificateFactory.getInstance("X.509").generateCertificates(it) }.toTypedArray()
            val der = Base64.getMimeDecoder().decode(key.readText().substringAfter("-----BEGIN PRIVATE KEY-----").substringBefore("-----END"))
            val privateKey = KeyFactory.getInstance("EC").generatePrivate(PKCS8EncodedKeySpec(der))
            val store = KeyStore.getInstance("PKCS12").apply {
                load(null, null)
                setKeyEntry("server", privateKey, CharArray(0), chain)
            }
            val keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(store, CharArray(0)) }
            return SSLContext.getInstance("TLS").apply { init(keys.keyManagers, null, null) }
        }
    }

    /**
     * A thread-per-connection shell on 127.0.0.1, over TLS when [context] is given; with [detect]
     * TLS and plain Telnet on one port (a first byte 0x16 within 300 ms means TLS).
     */
    private class ShellServer(private val context: SSLContext?, private val detect: Boolean = false) : AutoCloseable {
        private val socket: ServerSocket = if (context != null && !detect) {
            (context.serverSocketFactory.createServerSocket(0, 100, InetAddress.getByName("127.0.0.1")) as SSLServerSocket)
        } else {
            ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"))
        }
        val address = java.net.InetSocketAddress("127.0.0.1", socket.localPort)
        val negotiationBytes = java.util.concurrent.atomic.AtomicInteger()
        val tlsSessions = java.util.concurrent.atomic.AtomicInteger()
        val plainSessions = java.util.concurrent.atomic.AtomicInteger()
        private val acceptor = Thread {
            while (!socket.isClosed) {
                val client = runCatching { socket.accept() }.getOrNull() ?: break
                Thread { serve(client) }.apply { isDaemon = true }.start()
            }
        }.apply { isDaemon = true; start() }

        private fun serve(accepted: Socket) = runCatching {
            val client = if (detect) detected(accepted) else accepted
            if (client is javax.net.ssl.SSLSocket) tlsSessions.incrementAndGet() else plainSessions.incrementAndGet()
            client.use {
                client.tcpNoDelay = true
                val input = client.getInputStream().buffered()
                val output = client.getOutputStream()
                output.write(byteArrayOf(IAC, DO, NAWS))
                output.write(("x".repeat(79) + "\r\n").repeat(500).toByteArray())
                output.write(PROMPT.toByteArray())
                output.flush()
                while (true) {
                    val line = readLine(input) ?: break
                    val reply = if (line.startsWith("echo ")) line.removePrefix("echo ") + "\r\n" + PROMPT else PROMPT
                    write(output, reply)
                }
            }
        }

        private fun detected(socket: Socket): Socket {
            socket.soTimeout = 300
            val first = try {
                socket.getInputStream().read()
            } catch (e: java.net.SocketTimeoutException) {
                -1
            }
            socket.soTimeout = 0
            if (first != 0x16) return socket // plain Telnet (its client waits for the server)
            val consumed = java.io.ByteArrayInputStream(byteArrayOf(0x16))
            return (context!!.socketFactory as javax.net.ssl.SSLSocketFactory).createSocket(socket, consumed, true)
                .also { (it as javax.net.ssl.SSLSocket).useClientMode = false }
        }

        private fun write(output: OutputStream, text: String) {
            output.write(text.toByteArray())
            output.flush()
        }

        /** A line without Telnet commands and subnegotiations; null at the end. */
        private fun readLine(input: InputStream): String? {
            val line = StringBuilder()
            while (true) {
                val b = input.read()
                if (b < 0) return null
                when {
                    b == 0xFF -> skipCommand(input)
                    b == '\n'.code -> return line.toString()
                    b == '\r'.code || b == 0 -> Unit
                    else -> line.append(b.toChar())
                }
            }
        }

        private fun skipCommand(input: InputStream) {
            negotiationBytes.incrementAndGet()
            when (input.read()) {
                0xFA -> { // SB ... IAC SE
                    var last = 0
                    while (true) {
                        val b = input.read()
                        if (b < 0 || (last == 0xFF && b == 0xF0)) return
                        last = if (last == 0xFF && b == 0xFF) 0 else b
                    }
                }
                0xFB, 0xFC, 0xFD, 0xFE -> input.read()
                else -> Unit
            }
        }

        override fun close() {
            socket.close()
            acceptor.join(2000)
        }

        private companion object {
            const val IAC = 0xFF.toByte()
            const val DO = 0xFD.toByte()
            const val NAWS = 31.toByte()
        }
    }
}
