package dev.telnetkit.transport.tls

import java.nio.ByteBuffer

/**
 * Scratch buffers of one thread, shared by every driver used on it: decrypted data and records
 * being built are handed on before the call returns. A nested call on the same thread (a sink
 * that calls [TlsEngineDriver.wrap]) gets buffers of its own. Buffers grow to the largest size
 * asked for on the thread (about 67 KiB each for the usual 16 KiB records) and are never shrunk.
 */
internal class TlsScratch private constructor() {
    var app: ByteBuffer = EMPTY
        private set
    private var net: ByteBuffer = EMPTY
    private var busy = false

    fun app(capacity: Int): ByteBuffer {
        if (app.capacity() < capacity) app = ByteBuffer.allocate(capacity)
        return app
    }

    fun net(capacity: Int): ByteBuffer {
        if (net.capacity() < capacity) net = ByteBuffer.allocate(capacity)
        return net
    }

    fun release() {
        app.clear()
        busy = false
    }

    companion object {
        private val EMPTY: ByteBuffer = ByteBuffer.allocate(0)
        private val perThread = ThreadLocal.withInitial(::TlsScratch)

        fun acquire(): TlsScratch {
            val shared = perThread.get()
            val scratch = if (shared.busy) TlsScratch() else shared
            scratch.busy = true
            return scratch
        }
    }
}
