package dev.telnetkit.bench

import org.apache.sshd.client.SshClient
import org.apache.sshd.client.channel.ChannelShell
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier
import org.apache.sshd.client.session.ClientSession
import org.apache.sshd.common.kex.KexProposalOption
import org.apache.sshd.common.keyprovider.KeyIdentityProvider
import org.apache.sshd.core.CoreModuleProperties
import java.io.OutputStream
import java.net.InetSocketAddress
import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.Executors
import java.util.concurrent.Semaphore
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

/**
 * The SSH side of the driver: one MINA [SshClient] (its own NIO threads, one per processor plus
 * one), many [ClientSession]s, each with one [ChannelShell] with a PTY (xterm 80x24), logged in
 * with [password] (or by name alone when null). Each channel's output goes to a [Watcher] that
 * counts prompts; no thread per session on this side either.
 */
class SshLoad(
    private val address: InetSocketAddress,
    private val prompt: String,
    private val user: String = "bench",
    private val password: String? = "bench",
    /** Key exchanges the client offers, by name; null: MINA's defaults (the first is sntrup761x25519-sha512). */
    kex: List<String>? = null,
) : AutoCloseable {
    val client: SshClient = SshClient.setUpDefaultClient().apply {
        serverKeyVerifier = AcceptAllServerKeyVerifier.INSTANCE
        hostConfigEntryResolver = HostConfigEntryResolver.EMPTY
        keyIdentityProvider = KeyIdentityProvider.EMPTY_KEYS_PROVIDER
        // Held sessions must outlive MINA's client idle timeout (10 min by default).
        CoreModuleProperties.IDLE_TIMEOUT.set(this, Duration.ZERO)
        if (kex != null) {
            val offered = keyExchangeFactories.filter { it.name in kex }
            require(offered.isNotEmpty()) { "--kex: none of $kex is among ${keyExchangeFactories.map { it.name }}" }
            keyExchangeFactories = offered
        }
        start()
    }

    /** One shell session, open or on its way. */
    inner class Shell(val startedAt: Long) {
        @Volatile var session: ClientSession? = null
        @Volatile var channel: ChannelShell? = null
        val watcher = Watcher(prompt.toByteArray())
        @Volatile var failed: String? = null
    }

    /** Shells at their prompt. */
    val open: ConcurrentLinkedQueue<Shell> = ConcurrentLinkedQueue()
    val failureKinds: MutableMap<String, Int> = java.util.concurrent.ConcurrentHashMap()
    @Volatile var negotiated: String? = null

    private fun fail(shell: Shell, why: Throwable?, what: String) {
        val kind = what + (why?.let { ": ${it.javaClass.simpleName}: ${it.message?.take(120)}" } ?: "")
        shell.failed = kind
        failureKinds.merge(kind, 1, Int::plus)
        shell.session?.close(true)
    }

    /**
     * Opens [count] shells with at most [inflight] between TCP connect and first prompt at once;
     * each has [timeoutSeconds]. Returns the same figures as the Telnet opener.
     */
    fun openShells(count: Int, inflight: Int, timeoutSeconds: Long): OpenResult {
        val slots = Semaphore(inflight)
        val reached = AtomicInteger()
        val failed = AtomicInteger()
        val firstAt = System.nanoTime()
        val lastAt = AtomicLong(firstAt)
        val ttfp = LatencyHistogram()
        val pending = ArrayList<Shell>()
        val finished = java.util.concurrent.CountDownLatch(count)
        repeat(count) {
            slots.acquire()
            val shell = Shell(System.nanoTime())
            pending += shell
            val once = java.util.concurrent.atomic.AtomicBoolean()
            fun done(ok: Boolean) {
                if (!once.compareAndSet(false, true)) return
                if (ok) {
                    val now = System.nanoTime()
                    synchronized(ttfp) { ttfp.record((now - shell.startedAt) / 1000) }
                    lastAt.accumulateAndGet(now, ::maxOf)
                    reached.incrementAndGet()
                    open += shell
                } else {
                    failed.incrementAndGet()
                }
                slots.release()
                finished.countDown()
            }
            shell.watcher.onPrompt = { if (shell.watcher.prompts == 1L) done(true) }
            try {
                client.connect(user, address).addListener { cf ->
                    if (!cf.isConnected) { fail(shell, cf.exception, "connect"); done(false); return@addListener }
                    val session = cf.session
                    shell.session = session
                    if (password != null) session.addPasswordIdentity(password)
                    session.auth().addListener { af ->
                        if (!af.isSuccess) { fail(shell, af.exception, "auth"); done(false); return@addListener }
                        if (negotiated == null) {
                            negotiated = listOf(KexProposalOption.ALGORITHMS, KexProposalOption.SERVERKEYS, KexProposalOption.S2CENC, KexProposalOption.S2CMAC)
                                .joinToString(", ") { session.getNegotiatedKexParameter(it) ?: "-" }
                        }
                        try {
                            val channel = session.createShellChannel()
                            channel.ptyType = "xterm"
                            channel.ptyColumns = 80
                            channel.ptyLines = 24
                            channel.out = shell.watcher
                            channel.err = shell.watcher
                            shell.channel = channel
                            channel.open().addListener { of ->
                                if (!of.isOpened) { fail(shell, of.exception, "channel"); done(false) }
                            }
                        } catch (e: Exception) {
                            fail(shell, e, "channel"); done(false)
                        }
                    }
                }
            } catch (e: Exception) {
                fail(shell, e, "connect"); done(false)
            }
        }
        if (!finished.await(timeoutSeconds, TimeUnit.SECONDS)) {
            for (s in pending) if (s.watcher.prompts == 0L) { fail(s, null, "timeout before the prompt"); }
        }
        val f = failed.get() + (count - reached.get() - failed.get()).coerceAtLeast(0)
        return OpenResult(
            wanted = count, reached = reached.get(),
            failures = Failures(0, f, 0, 0),
            seconds = (lastAt.get() - firstAt) / 1e9,
            ttfpP50Micros = ttfp.percentile(50.0), ttfpP99Micros = ttfp.percentile(99.0), ttfpMaxMicros = ttfp.max,
        )
    }

    /** Closes every shell's session; waits for them at most [timeoutSeconds]. */
    fun closeAll(timeoutSeconds: Long = 60) {
        val futures = open.mapNotNull { it.session?.close(false) }
        open.clear()
        val deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L
        for (f in futures) f.await(((deadline - System.nanoTime()) / 1_000_000).coerceAtLeast(1))
    }

    /**
     * A closed echo loop on [n] of the open shells: `echo <payload>` CR, wait for the prompt after
     * the answer (a PTY: the server echoes the keys and runs the line on CR), again; [warmupSeconds]
     * not recorded, then [seconds] recorded. Sends go through one sender thread (MINA's channel
     * stream may block on the window; never on MINA's own threads).
     */
    fun echo(n: Int, warmupSeconds: Double, seconds: Double, probe: ServerProbe?): EchoResult {
        val shells = open.take(n)
        val sender = Executors.newSingleThreadExecutor { Thread(it, "ssh-echo-sender").apply { isDaemon = true } }
        val histogram = LatencyHistogram()
        val recorded = AtomicLong()
        val bad = AtomicLong()
        val t0 = System.nanoTime()
        val measureStart = t0 + (warmupSeconds * 1e9).toLong()
        val end = measureStart + (seconds * 1e9).toLong()
        val running = java.util.concurrent.atomic.AtomicBoolean(true)
        val payload = "bench-echo-0123456789ab"
        val request = "echo $payload\r".toByteArray()
        val payloadBytes = payload.toByteArray()
        fun send(shell: Shell) {
            if (!running.get() || System.nanoTime() > end) return
            sender.execute {
                val ch = shell.channel ?: return@execute
                shell.watcher.requestAt = System.nanoTime()
                shell.watcher.armPayload(payloadBytes)
                try {
                    ch.invertedIn.write(request)
                    ch.invertedIn.flush()
                } catch (e: Exception) {
                    fail(shell, e, "echo write")
                }
            }
        }
        for (shell in shells) {
            shell.watcher.onPrompt = {
                val now = System.nanoTime()
                val sentAt = shell.watcher.requestAt
                if (sentAt in measureStart..end && now <= end) {
                    if (shell.watcher.payloadSeen < 2) bad.incrementAndGet()
                    synchronized(histogram) { histogram.record((now - sentAt) / 1000) }
                    recorded.incrementAndGet()
                }
                send(shell)
            }
        }
        val self = ServerProbe(ProcessHandle.current().pid())
        for (shell in shells) send(shell)
        Thread.sleep(((measureStart - System.nanoTime()) / 1_000_000).coerceAtLeast(0))
        val cpu0 = probe?.cpuTicks() ?: -1
        val self0 = self.cpuTicks()
        Thread.sleep(((end - System.nanoTime()) / 1_000_000).coerceAtLeast(0))
        val cpu1 = probe?.cpuTicks() ?: -1
        val self1 = self.cpuTicks()
        running.set(false)
        Thread.sleep(1000)
        for (shell in shells) shell.watcher.onPrompt = {}
        sender.shutdown()
        val requests = recorded.get()
        return EchoResult(
            sessions = shells.size, requests = requests, seconds = seconds,
            p50Micros = histogram.percentile(50.0), p99Micros = histogram.percentile(99.0), p999Micros = histogram.percentile(99.9),
            maxMicros = histogram.max, meanMicros = 0.0, badReplies = bad.get(), failures = Failures(0, 0, 0, 0),
            serverCpuMicrosPerRequest = if (cpu0 >= 0 && cpu1 >= 0 && requests > 0) (cpu1 - cpu0) * 1e6 / ServerProbe.CLOCK_TICKS / requests else null,
            driverCpuPercent = if (self0 >= 0 && self1 >= 0) (self1 - self0) / ServerProbe.CLOCK_TICKS / seconds * 100 else null,
        )
    }

    override fun close() {
        closeAll(30)
        client.stop()
    }

    /**
     * The channel's output: counts the prompts (and, once armed, the payload's occurrences: the
     * keys echoed and the answer). Called on MINA's threads, one at a time per channel.
     */
    class Watcher(private val prompt: ByteArray) : OutputStream() {
        @Volatile var prompts: Long = 0
        @Volatile var onPrompt: () -> Unit = {}
        @Volatile var requestAt: Long = 0
        @Volatile var payloadSeen: Int = 0
        private var matched = 0
        @Volatile private var payload: ByteArray? = null
        private var payloadMatched = 0

        fun armPayload(bytes: ByteArray) {
            payloadMatched = 0
            payloadSeen = 0
            payload = bytes
        }

        override fun write(b: Int) {
            write(byteArrayOf(b.toByte()), 0, 1)
        }

        override fun write(b: ByteArray, off: Int, len: Int) {
            val p = payload
            for (i in off until off + len) {
                val c = b[i]
                if (p != null) {
                    payloadMatched = if (c == p[payloadMatched]) payloadMatched + 1 else if (c == p[0]) 1 else 0
                    if (payloadMatched == p.size) { payloadSeen++; payloadMatched = 0 }
                }
                // The prompt has no repeated prefix, so restarting the match is exact.
                matched = if (c == prompt[matched]) matched + 1 else if (c == prompt[0]) 1 else 0
                if (matched == prompt.size) {
                    matched = 0
                    prompts++
                    onPrompt()
                }
            }
        }
    }
}
