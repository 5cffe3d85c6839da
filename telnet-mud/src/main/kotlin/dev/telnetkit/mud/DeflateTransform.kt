package dev.telnetkit.mud

import dev.telnetkit.session.OutputTransform
import java.io.ByteArrayOutputStream
import java.util.concurrent.atomic.AtomicBoolean
import java.util.zip.Deflater

/**
 * One MCCP2 stream: zlib (with its header and Adler-32 trailer) over the output from the point the
 * stream starts, each batch ended with `SYNC_FLUSH` so the client can show it at once. Holds its
 * [slot] until [close], which ends the native stream. A [lazy] stream makes its compressor only when
 * output comes (after an idle period: an idle session then holds no zlib memory).
 */
internal class DeflateTransform(
    private val level: Int,
    /** The compression slot it holds, shared with the stream that follows it after an idle finish. */
    val slot: SlotTicket,
    private val owner: Mccp2,
    lazy: Boolean = false,
) : OutputTransform {
    @Volatile private var deflater: Deflater? = if (lazy) null else Deflater(level)

    /** When output last went through, for the idle check. */
    @Volatile var lastOutputNanos: Long = System.nanoTime()
        private set

    /** True once the stream has a compressor (it was made eagerly, or output came). */
    val hasCompressor: Boolean get() = deflater != null

    private fun compressor(): Deflater = deflater ?: Deflater(level).also { deflater = it }
    private val ended = AtomicBoolean()

    override fun transform(bytes: ByteArray, offset: Int, length: Int): ByteArray {
        if (length == 0) return EMPTY
        if (ended.get()) return bytes.copyOfRange(offset, offset + length)
        lastOutputNanos = System.nanoTime()
        val deflater = compressor()
        deflater.setInput(bytes, offset, length)
        val buffer = SCRATCH.get()
        val out = ByteArrayOutputStream(length / 2 + 64)
        while (true) {
            val n = deflater.deflate(buffer, 0, buffer.size, Deflater.SYNC_FLUSH)
            out.write(buffer, 0, n)
            // A full buffer may mean more is waiting (Deflater's contract for SYNC_FLUSH).
            if (n < buffer.size) break
        }
        owner.counted(length.toLong(), out.size().toLong())
        return out.toByteArray()
    }

    override fun finish(): ByteArray {
        if (ended.get()) return EMPTY
        // A stream announced but never used still ends with a whole (empty) zlib stream.
        val deflater = compressor()
        deflater.finish()
        val buffer = SCRATCH.get()
        val out = ByteArrayOutputStream(64)
        while (!deflater.finished()) {
            val n = deflater.deflate(buffer, 0, buffer.size, Deflater.NO_FLUSH)
            out.write(buffer, 0, n)
        }
        owner.counted(0, out.size().toLong())
        return out.toByteArray()
    }

    override fun close() {
        if (!ended.compareAndSet(false, true)) return
        deflater?.end()
        slot.drop()
        owner.transformClosed(this)
    }

    private companion object {
        val EMPTY = ByteArray(0)

        // One scratch buffer per transport thread, not per session: a held session costs no heap for it.
        val SCRATCH: ThreadLocal<ByteArray> = ThreadLocal.withInitial { ByteArray(8192) }
    }
}
