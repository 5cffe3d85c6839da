package dev.telnetkit.tls

import dev.telnetkit.server.RawClient
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import dev.telnetkit.testkit.TestCertificates
import dev.telnetkit.testkit.TestIdentity
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.tls.ClientAuth
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import dev.telnetkit.transport.tls.TlsTrust
import io.kotest.core.spec.style.FunSpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.ByteBuffer
import java.time.Duration
import java.util.Collections
import java.security.KeyStore
import java.security.Principal
import java.security.PrivateKey
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import javax.net.ssl.X509ExtendedKeyManager
import javax.net.ssl.SSLEngine
import javax.net.ssl.SSLEngineResult
import javax.net.ssl.SSLEngineResult.HandshakeStatus
import javax.net.ssl.SSLSocket
import kotlin.time.Duration.Companion.seconds

internal const val TLS_PROMPT = "tls> "

/** TLS settings with the shared test certificates: the server's PEM files, the CA as the trust for client certificates. */
internal fun testTls(
    mode: TlsMode = TlsMode.TLS_ONLY,
    clientAuth: ClientAuth = ClientAuth.NONE,
    handshakeTimeout: Duration = Duration.ofSeconds(10),
    detectWait: Duration = Duration.ofMillis(300),
): TlsSettings {
    val certs = TestCertificates.shared()
    return TlsSettings(
        TlsIdentity.pem(certs.server.certificatePem, certs.server.privateKeyPem),
        clientAuth = clientAuth,
        trust = if (clientAuth == ClientAuth.NONE) null else TlsTrust.pem(certs.caPem),
        mode = mode,
        handshakeTimeout = handshakeTimeout,
        detectWait = detectWait,
    )
}

/** Server settings for TLS tests: port 0, the NIO transport whatever the suite runs on, short waits. */
internal fun tlsServerSettings(
    tls: TlsSettings = testTls(),
    connectMaxWait: Duration = Duration.ofSeconds(5),
    outputBufferLimit: Int = 1 shl 20,
    outputStallTimeout: Duration = Duration.ofSeconds(5),
    eventLoops: Int = 2,
): ServerSettings = ServerSettings(
    host = "127.0.0.1",
    port = 0,
    connectMaxWait = connectMaxWait,
    idleTimeout = Duration.ofSeconds(60),
    outputBufferLimit = outputBufferLimit,
    outputStallTimeout = outputStallTimeout,
    eventLoops = eventLoops,
    transport = Transport.nio(),
    tls = tls,
)

/**
 * A shell for TLS tests: `echo`, `whoami` (the session's transport and the subject of the client's
 * certificate, or `none`), with a login that takes any non-empty name and the password `secret`
 * when [login] is true. Every session that reaches the handler is counted in [started].
 */
internal fun tlsShell(started: MutableList<Long>, login: Boolean = false): SessionHandler {
    val shell = CommandShell(
        ShellSettings(
            commands = listOf(
                Command(name = "echo", summary = "Echo.", handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) }),
                Command(
                    name = "whoami",
                    summary = "The transport and the client certificate.",
                    handler = CommandHandler { call ->
                        val subject = call.session.peerCertificates.firstOrNull()?.subjectX500Principal?.name ?: "none"
                        call.writeResponse("transport=${call.session.transport} user=${call.session.username} cert=$subject")
                    },
                ),
            ),
            prompt = PromptProvider { TLS_PROMPT },
            welcome = "Welcome over TLS.",
            login = if (login) LoginSettings(Authenticator { _, user, password -> user.isNotEmpty() && password == "secret" }) else null,
        ),
    )
    return SessionHandler { session ->
        started.add(session.id)
        shell.handle(session)
    }
}

/**
 * The JVM's first TLS handshake loads the whole TLS stack, which can delay a client's ClientHello
 * past an auto-detecting port's detectWait (it is then served as plain Telnet): the clients of
 * these tests run one in memory first.
 */
private val clientWarmUp: Unit by lazy { clientHello(); Unit }

/** Servers and clients of one test, all closed after it. */
internal class TlsFixture {
    private val servers = Collections.synchronizedList(ArrayList<TelnetServer>())
    private val closeables = Collections.synchronizedList(ArrayList<AutoCloseable>())

    /** Sessions whose handler started, across the servers of this test. */
    val started: MutableList<Long> = Collections.synchronizedList(ArrayList())

    suspend fun start(settings: ServerSettings = tlsServerSettings(), handler: SessionHandler = tlsShell(started)): TelnetServer =
        TelnetServer(settings, handler).also { servers.add(it) }.start()

    suspend fun connectTls(server: TelnetServer, identity: TestIdentity? = null, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
        clientWarmUp.let { TelnetTestClient.connectTls("localhost", server.port, TestCertificates.shared().clientContext(identity), profile).also { closeables.add(it) } }

    /** A TLS client with [context] of its own. */
    suspend fun connectTls(server: TelnetServer, context: SSLContext): TelnetTestClient =
        clientWarmUp.let { TelnetTestClient.connectTls("localhost", server.port, context).also { closeables.add(it) } }

    suspend fun connectPlain(server: TelnetServer, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
        TelnetTestClient.connect("127.0.0.1", server.port, profile).also { closeables.add(it) }

    /** A bare TCP socket: speaks nothing unless told. */
    suspend fun raw(server: TelnetServer, receiveBuffer: Int = 0): RawClient = withContext(Dispatchers.IO) {
        val socket = Socket()
        if (receiveBuffer > 0) socket.receiveBufferSize = receiveBuffer
        socket.tcpNoDelay = true
        socket.connect(InetSocketAddress("127.0.0.1", server.port), 5000)
        RawClient(socket).also { closeables.add(it) }
    }

    /** A JDK TLS socket, handshake done, nothing read: for clients that misbehave after the handshake. */
    suspend fun sslSocket(server: TelnetServer, context: SSLContext = TestCertificates.shared().clientContext(), receiveBuffer: Int = 0): SSLSocket =
        withContext(Dispatchers.IO) {
            clientWarmUp
            val plain = Socket()
            if (receiveBuffer > 0) plain.receiveBufferSize = receiveBuffer
            plain.connect(InetSocketAddress("127.0.0.1", server.port), 5000)
            val socket = context.socketFactory.createSocket(plain, "localhost", server.port, true) as SSLSocket
            closeables.add(socket)
            socket.soTimeout = 10_000
            socket.startHandshake()
            socket
        }

    /** A hand-driven TLS client ([EngineClient]), handshake done. */
    suspend fun engineClient(server: TelnetServer, thenSend: ByteArray? = null): EngineClient = withContext(Dispatchers.IO) {
        clientWarmUp
        val socket = Socket()
        socket.tcpNoDelay = true
        socket.connect(InetSocketAddress("127.0.0.1", server.port), 5000)
        socket.soTimeout = 10_000
        EngineClient(socket, TestCertificates.shared().clientContext()).also { closeables.add(it) }.apply { handshake(thenSend) }
    }

    suspend fun cleanUp() {
        synchronized(closeables) { closeables.toList().also { closeables.clear() } }.forEach { runCatching { it.close() } }
        synchronized(servers) { servers.toList().also { servers.clear() } }.forEach { withTimeoutOrNull(15.seconds) { it.stop(Duration.ZERO) } }
        started.clear()
    }
}

internal fun FunSpec.tlsFixture(): TlsFixture {
    val fixture = TlsFixture()
    afterTest { fixture.cleanUp() }
    return fixture
}

/**
 * A client context that trusts the test CA and presents [identity] whenever the server asks for a
 * certificate, whatever authorities the server names (a JDK client otherwise sends only a
 * certificate one of them issued, so an untrusted one would never reach the server).
 */
internal fun presentingAnyway(identity: TestIdentity): SSLContext {
    val alias = "client"
    val keys = object : X509ExtendedKeyManager() {
        override fun getClientAliases(keyType: String?, issuers: Array<out Principal>?) = arrayOf(alias)
        override fun chooseClientAlias(keyType: Array<out String>?, issuers: Array<out Principal>?, socket: Socket?) = alias
        override fun chooseEngineClientAlias(keyType: Array<out String>?, issuers: Array<out Principal>?, engine: SSLEngine?) = alias
        override fun getServerAliases(keyType: String?, issuers: Array<out Principal>?) = null
        override fun chooseServerAlias(keyType: String?, issuers: Array<out Principal>?, socket: Socket?) = null
        override fun getCertificateChain(name: String?) = identity.chain.toTypedArray()
        override fun getPrivateKey(name: String?): PrivateKey = identity.privateKey
    }
    val trust = KeyStore.getInstance("PKCS12").apply {
        load(null, null)
        setCertificateEntry("ca", TestCertificates.shared().ca.certificate)
    }
    val trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(trust) }.trustManagers
    return SSLContext.getInstance("TLS").apply { init(arrayOf(keys), trustManagers, null) }
}

/** The first flight of a real TLS client (a JDK engine's ClientHello): bytes a stalling client sends part of. */
internal fun clientHello(): ByteArray {
    val engine = TestCertificates.shared().clientContext().createSSLEngine("localhost", 992).apply { useClientMode = true }
    engine.beginHandshake()
    val out = ByteBuffer.allocate(engine.session.packetBufferSize)
    engine.wrap(ByteBuffer.allocate(0), out)
    out.flip()
    return ByteArray(out.remaining()).also { out.get(it) }
}

/**
 * A TLS client driven by hand over a blocking socket with an [SSLEngine]: it tells a peer's
 * close_notify ([read] returns null) from a connection cut without one ([read] throws
 * [java.io.EOFException]), which an `SSLSocket` does not.
 */
internal class EngineClient(private val socket: Socket, context: SSLContext) : AutoCloseable {
    private val engine: SSLEngine = context.createSSLEngine("localhost", socket.port).apply { useClientMode = true }
    private val input = socket.getInputStream()
    private val output = socket.getOutputStream()
    private var network = ByteBuffer.allocate(engine.session.packetBufferSize).apply { flip() }
    private val app = ByteBuffer.allocate(engine.session.applicationBufferSize)
    private val out = ByteBuffer.allocate(engine.session.packetBufferSize)

    // Records wrapped and not yet written: sent when the client must read, or when a write ends.
    private val unsent = java.io.ByteArrayOutputStream()

    /**
     * Runs the handshake to its end; with [thenSend], that application data leaves in the same
     * socket write as the client's last handshake flight (a client that talks at once).
     */
    fun handshake(thenSend: ByteArray? = null) {
        engine.beginHandshake()
        while (true) {
            when (engine.handshakeStatus) {
                HandshakeStatus.NEED_WRAP -> wrap(ByteBuffer.allocate(0))
                HandshakeStatus.NEED_UNWRAP, HandshakeStatus.NEED_UNWRAP_AGAIN -> check(unwrap()) { "closed during the handshake" }
                HandshakeStatus.NEED_TASK -> while (true) (engine.delegatedTask ?: break).run()
                else -> break
            }
        }
        thenSend?.let { ByteBuffer.wrap(it).let { data -> while (data.hasRemaining()) wrap(data) } }
        sendUnsent()
    }

    /** Sends [bytes] as application data. */
    fun write(bytes: ByteArray) {
        val data = ByteBuffer.wrap(bytes)
        while (data.hasRemaining()) wrap(data)
        sendUnsent()
    }

    private fun sendUnsent() {
        if (unsent.size() == 0) return
        output.write(unsent.toByteArray())
        output.flush()
        unsent.reset()
    }

    /** The next application bytes; null once the server's close_notify came; EOFException if the socket ended without it. */
    fun read(): ByteArray? {
        while (true) {
            if (app.position() > 0) {
                app.flip()
                return ByteArray(app.remaining()).also { app.get(it); app.clear() }
            }
            if (engine.isInboundDone) return null
            if (!unwrap()) throw java.io.EOFException("the connection ended without a TLS close_notify")
        }
    }

    private fun wrap(data: ByteBuffer) {
        out.clear()
        val result = engine.wrap(data, out)
        check(result.status == SSLEngineResult.Status.OK || result.status == SSLEngineResult.Status.CLOSED) { "wrap: $result" }
        out.flip()
        unsent.write(out.array(), 0, out.limit())
    }

    /** Unwraps one record, reading as needed; false at the end of the socket's input. */
    private fun unwrap(): Boolean {
        while (true) {
            if (network.hasRemaining()) {
                val result = engine.unwrap(network, app)
                when (result.status) {
                    SSLEngineResult.Status.OK, SSLEngineResult.Status.CLOSED -> return true
                    SSLEngineResult.Status.BUFFER_UNDERFLOW -> Unit
                    else -> error("unwrap: $result")
                }
            }
            sendUnsent()
            network.compact()
            if (network.remaining() == 0) network = ByteBuffer.allocate(network.capacity() * 2).put(network.flip())
            val n = input.read(network.array(), network.position(), network.remaining())
            if (n < 0) {
                network.flip()
                return false
            }
            network.position(network.position() + n)
            network.flip()
        }
    }

    override fun close() {
        runCatching { socket.close() }
    }
}
