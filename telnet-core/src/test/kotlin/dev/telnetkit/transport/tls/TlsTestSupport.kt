package dev.telnetkit.transport.tls

import dev.telnetkit.testkit.TestCertificates
import dev.telnetkit.testkit.TestIdentity
import java.io.ByteArrayOutputStream
import java.net.Socket
import java.nio.ByteBuffer
import java.security.KeyStore
import java.security.Principal
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLEngine
import javax.net.ssl.SSLEngineResult
import javax.net.ssl.SSLEngineResult.HandshakeStatus
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509ExtendedKeyManager

/** Shared test certificates, and server settings over them. */
internal object TlsFixtures {
    val certs: TestCertificates get() = TestCertificates.shared()

    fun serverSettings(clientAuth: ClientAuth = ClientAuth.NONE, protocols: List<String> = TlsSettings.DEFAULT_PROTOCOLS): TlsSettings =
        TlsSettings(
            TlsIdentity.pkcs12(certs.server.keyStore, TestCertificates.PASSWORD),
            clientAuth = clientAuth,
            trust = if (clientAuth == ClientAuth.NONE) null else TlsTrust.pem(certs.caPem),
            protocols = protocols,
        )

    /** A client engine for `localhost` that checks the server's name, trusting the test CA. */
    fun clientEngine(identity: TestIdentity? = null, protocols: List<String>? = null, context: SSLContext = certs.clientContext(identity)): SSLEngine =
        context.createSSLEngine("localhost", 2323).apply {
            useClientMode = true
            val parameters = sslParameters
            parameters.endpointIdentificationAlgorithm = "HTTPS"
            if (protocols != null) parameters.protocols = protocols.toTypedArray()
            sslParameters = parameters
        }

    /**
     * A client context that presents [identity] whatever authorities the server names (the JDK's
     * own key manager sends nothing when the server's CAs did not issue the certificate), as a
     * client trying an untrusted certificate would.
     */
    fun insistingClientContext(identity: TestIdentity): SSLContext {
        val keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply {
            val store = KeyStore.getInstance("PKCS12").apply { load(null, null) }
            store.setKeyEntry("me", identity.privateKey, TestCertificates.PASSWORD.toCharArray(), identity.chain.toTypedArray())
            init(store, TestCertificates.PASSWORD.toCharArray())
        }.keyManagers.single() as X509ExtendedKeyManager
        val insisting = object : X509ExtendedKeyManager() {
            override fun chooseEngineClientAlias(keyType: Array<out String>?, issuers: Array<out Principal>?, engine: SSLEngine?) = "me"
            override fun chooseClientAlias(keyType: Array<out String>?, issuers: Array<out Principal>?, socket: Socket?) = "me"
            override fun getClientAliases(keyType: String?, issuers: Array<out Principal>?) = arrayOf("me")
            override fun getServerAliases(keyType: String?, issuers: Array<out Principal>?) = null
            override fun chooseServerAlias(keyType: String?, issuers: Array<out Principal>?, socket: Socket?) = null
            override fun getCertificateChain(alias: String?) = keys.getCertificateChain(alias)
            override fun getPrivateKey(alias: String?) = keys.getPrivateKey(alias)
        }
        val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply {
            init(KeyStore.getInstance("PKCS12").apply { load(null, null); setCertificateEntry("ca", certs.ca.certificate) })
        }.trustManagers
        return SSLContext.getInstance("TLS").apply { init(arrayOf(insisting), trust, null) }
    }

    private val defaultSettings by lazy { serverSettings() }
    private val defaultContext by lazy { defaultSettings.sslContext() }

    /** A pair with a server of [settings] (by default the test server, its context made once). */
    fun pair(settings: TlsSettings? = null, client: SSLEngine = clientEngine()): TlsPair =
        if (settings == null) TlsPair(defaultSettings.newDriver(defaultContext), client) else TlsPair(settings.newDriver(settings.sslContext()), client)
}

/**
 * A server [TlsEngineDriver] and a client [SSLEngine] joined in memory: what one produces, the
 * test hands to the other, in chunks of its choosing.
 */
internal class TlsPair(val server: TlsEngineDriver, val client: SSLEngine) {
    /** Application bytes the server driver decrypted, and the number of [TlsDataSink] calls. */
    val serverReceived = ByteArrayOutputStream()
    var serverDeliveries = 0
    /** Application bytes the client engine decrypted. */
    val clientReceived = ByteArrayOutputStream()
    var clientHandshakeDone = false
        private set
    /** The most bytes the server driver kept between calls, seen after any call. */
    var maxRetained = 0
        private set

    private var clientIn: ByteBuffer = ByteBuffer.allocate(0)
    val serverSink = TlsDataSink { bytes, offset, length ->
        serverReceived.write(bytes, offset, length)
        serverDeliveries++
    }

    init {
        client.beginHandshake()
    }

    /** Feeds [bytes] to the server in chunks of [chunk] bytes. */
    fun feedServer(bytes: ByteArray, chunk: Int = Int.MAX_VALUE) {
        var at = 0
        while (at < bytes.size) {
            val n = minOf(chunk, bytes.size - at)
            val buffer = ByteBuffer.wrap(bytes, at, n)
            try {
                server.feed(buffer, serverSink)
            } finally {
                maxRetained = maxOf(maxRetained, server.retainedBytes)
            }
            check(!buffer.hasRemaining()) { "feed left ${buffer.remaining()} bytes" }
            at += n
        }
    }

    /** Everything the server has to send now. */
    fun serverOutput(): ByteArray {
        val out = ByteArrayOutputStream()
        server.flush(collect(out))
        return out.toByteArray()
    }

    /** Network bytes the client engine produces now: handshake messages and [app] data. */
    fun clientOutput(app: ByteArray = ByteArray(0)): ByteArray {
        val out = ByteArrayOutputStream()
        val source = ByteBuffer.wrap(app)
        var net = ByteBuffer.allocate(client.session.packetBufferSize)
        while (true) {
            runTasks()
            val wantsWrap = client.handshakeStatus == HandshakeStatus.NEED_WRAP ||
                (source.hasRemaining() && client.handshakeStatus == HandshakeStatus.NOT_HANDSHAKING)
            if (!wantsWrap) break
            net.clear()
            val result = client.wrap(source, net)
            if (result.status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                net = ByteBuffer.allocate(net.capacity() * 2)
                continue
            }
            noteFinished(result)
            out.write(net.array(), 0, net.position())
            if (result.status == SSLEngineResult.Status.CLOSED || result.bytesProduced() == 0) break
        }
        return out.toByteArray()
    }

    /** Gives [bytes] from the server to the client engine. */
    fun clientInput(bytes: ByteArray) {
        val joined = ByteBuffer.allocate(clientIn.remaining() + bytes.size)
        joined.put(clientIn).put(bytes).flip()
        clientIn = joined
        var app = ByteBuffer.allocate(client.session.applicationBufferSize)
        while (clientIn.hasRemaining()) {
            runTasks()
            if (client.handshakeStatus == HandshakeStatus.NEED_WRAP) break
            val result = client.unwrap(clientIn, app)
            when (result.status) {
                SSLEngineResult.Status.BUFFER_OVERFLOW -> app = ByteBuffer.allocate(app.capacity() * 2)
                SSLEngineResult.Status.BUFFER_UNDERFLOW -> return
                else -> Unit
            }
            noteFinished(result)
            clientReceived.write(app.array(), 0, app.position())
            app.clear()
            if (result.status == SSLEngineResult.Status.CLOSED) return
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && result.status != SSLEngineResult.Status.BUFFER_OVERFLOW) return
        }
    }

    /** Runs the handshake to its end, feeding the server in chunks of [chunk] bytes. */
    fun handshake(chunk: Int = Int.MAX_VALUE) {
        repeat(20) {
            feedServer(clientOutput(), chunk)
            clientInput(serverOutput())
            runTasks()
            if (server.isHandshakeComplete && clientHandshakeDone && client.handshakeStatus == HandshakeStatus.NOT_HANDSHAKING) {
                // TLS 1.3: the server's session ticket may still be on its way.
                clientInput(serverOutput())
                feedServer(clientOutput(), chunk)
                return
            }
        }
        error("handshake did not complete: server ${server.isHandshakeComplete}, client ${client.handshakeStatus}")
    }

    /** Sends [bytes] from the client to the server, the records fed in chunks of [chunk] bytes. */
    fun clientSends(bytes: ByteArray, chunk: Int = Int.MAX_VALUE) = feedServer(clientOutput(bytes), chunk)

    /** Sends [bytes] from the server to the client through [sink], wrapping and flushing until all went. */
    fun serverSends(bytes: ByteArray, sink: (ByteArrayOutputStream) -> TlsNetworkSink = ::collect) {
        val out = ByteArrayOutputStream()
        val source = arrayOf(ByteBuffer.wrap(bytes))
        var rounds = 0
        while (source[0].hasRemaining() || server.hasPendingOutput) {
            server.wrap(source, sink(out))
            maxRetained = maxOf(maxRetained, server.retainedBytes)
            server.flush(sink(out))
            check(rounds++ < 1_000_000) { "server wrap makes no progress" }
        }
        clientInput(out.toByteArray())
    }

    private fun noteFinished(result: SSLEngineResult) {
        if (result.handshakeStatus == HandshakeStatus.FINISHED) clientHandshakeDone = true
    }

    private fun runTasks() {
        while (true) (client.delegatedTask ?: return).run()
    }

    companion object {
        /** A sink that takes everything into [out]. */
        fun collect(out: ByteArrayOutputStream): TlsNetworkSink = TlsNetworkSink { buffer ->
            val bytes = ByteArray(buffer.remaining())
            buffer.get(bytes)
            out.write(bytes)
        }

        /** A sink that takes at most [most] bytes a call, like a socket with a small window. */
        fun trickle(most: Int): (ByteArrayOutputStream) -> TlsNetworkSink = { out ->
            TlsNetworkSink { buffer ->
                val bytes = ByteArray(minOf(most, buffer.remaining()))
                buffer.get(bytes)
                out.write(bytes)
            }
        }
    }
}
