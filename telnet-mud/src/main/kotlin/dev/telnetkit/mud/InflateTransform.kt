package dev.telnetkit.mud

import dev.telnetkit.wire.InputTransform
import dev.telnetkit.wire.PlainInput
import java.io.IOException
import java.util.zip.DataFormatException
import java.util.zip.Inflater

/**
 * One MCCP3 stream: the client's zlib stream, inflated and handed to the Telnet decoder, bounded
 * per read ([CompressionSettings.maxInflatedBytesPerRead]) and in ratio
 * ([CompressionSettings.maxInflateRatio]). It ends where zlib's stream ends, or where the option is
 * turned off ([stopRequested]: TinTin++ drops compression without a trailer); the bytes after that
 * are plain Telnet. Called on the connection's dispatcher only.
 */
internal class InflateTransform(
    private val settings: CompressionSettings,
    private val owner: Mccp3,
) : InputTransform {
    private val inflater = Inflater()
    private var ended = false
    private var totalIn = 0L
    private var totalOut = 0L

    /** Set when the option is turned off: the stream ends after the bytes already inflated. */
    @Volatile var stopRequested: Boolean = false

    override fun transform(bytes: ByteArray, offset: Int, length: Int, sink: PlainInput): Int {
        if (ended || stopRequested || inflater.finished()) return 0
        val end = offset + length
        val buffer = SCRATCH.get()
        var produced = 0L
        var at = offset
        try {
            // Piece by piece, each up to the end of a flush (00 00 FF FF): a client that turns the
            // option off inside its stream and goes plain without a trailer (TinTin++) has its plain
            // bytes left alone, since [stopRequested] is looked at before the next piece.
            while (at < end && !stopRequested && !inflater.finished()) {
                val pieceEnd = flushEnd(bytes, at, end)
                inflater.setInput(bytes, at, pieceEnd - at)
                while (!stopRequested) {
                    val n = inflater.inflate(buffer)
                    if (n > 0) {
                        produced += n
                        totalOut += n
                        if (produced > settings.maxInflatedBytesPerRead) {
                            throw IOException("MCCP3 input inflates to more than ${settings.maxInflatedBytesPerRead} bytes in one read")
                        }
                        val compressed = totalIn + (pieceEnd - at - inflater.remaining)
                        if (totalOut > CompressionSettings.RATIO_CHECK_AFTER && totalOut > compressed * settings.maxInflateRatio) {
                            throw IOException("MCCP3 input inflates more than ${settings.maxInflateRatio} times ($totalOut bytes from $compressed)")
                        }
                        owner.counted(0, n.toLong())
                        sink.accept(buffer, 0, n)
                    }
                    if (inflater.finished()) break
                    if (n == 0) {
                        if (inflater.needsDictionary()) throw IOException("MCCP3 stream asks for a preset dictionary")
                        break
                    }
                }
                val used = pieceEnd - at - inflater.remaining
                totalIn += used
                owner.counted(used.toLong(), 0)
                at += used
                if (inflater.remaining > 0) break
            }
        } catch (e: DataFormatException) {
            throw IOException("corrupt MCCP3 stream: ${e.message}", e)
        }
        return at - offset
    }

    /** The index just past the next `00 00 FF FF` (the end of a zlib flush) in [from, end), or [end]. */
    private fun flushEnd(bytes: ByteArray, from: Int, end: Int): Int {
        var i = from
        while (i + 3 < end) {
            if (bytes[i + 3] == FF && bytes[i + 2] == FF && bytes[i + 1] == ZERO && bytes[i] == ZERO) return i + 4
            i++
        }
        return end
    }

    override fun close() {
        if (ended) return
        ended = true
        inflater.end()
        owner.transformClosed(this)
    }

    private companion object {
        // One scratch buffer per dispatcher thread, not per session (the sink decodes it before returning).
        val SCRATCH: ThreadLocal<ByteArray> = ThreadLocal.withInitial { ByteArray(8192) }
        const val FF: Byte = -1
        const val ZERO: Byte = 0
    }
}
