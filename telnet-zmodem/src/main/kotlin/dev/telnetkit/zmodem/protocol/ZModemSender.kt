package dev.telnetkit.zmodem.protocol

import dev.telnetkit.zmodem.ZModemFile
import dev.telnetkit.zmodem.ZModemFileStatus
import dev.telnetkit.zmodem.ZModemOutcome
import dev.telnetkit.zmodem.ZModemResult
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.nio.file.Files
import java.nio.file.Path

private val logger = KotlinLogging.logger {}

/**
 * The sending side of ZModem over a [ZModemStream]: `rz\r` and ZRQINIT (which starts a terminal's
 * receiver), waits for ZRINIT (CRC-32 when offered), then per file ZFILE and the data from whatever
 * position the receiver asks with ZRPOS (a resume, or a retry after a bad subpacket), streamed in
 * ZCRCG subpackets and ended by ZCRCE and ZEOF; finally ZFIN and `OO`.
 *
 * A reading coroutine turns the receiver's replies into headers on a bounded channel, so that a
 * ZRPOS or ZSKIP is seen between two subpackets without stopping the stream.
 */
internal class ZModemSender(
    private val stream: ZModemStream,
    private val files: List<Path>,
    private val timeoutMillis: Long,
    private val escapeControl: Boolean = false,
) {
    private val out = ZdleEncoder(escapeControl)
    private val chunk = ByteArray(SUBPACKET)
    private val results = mutableListOf<ZModemFile>()
    private var useCrc32 = false
    private val replies = Channel<ZModemHeader>(REPLY_CAPACITY, BufferOverflow.DROP_OLDEST)

    suspend fun run(): ZModemResult = coroutineScope {
        val listener = launch { listen() }
        val (outcome, reason) = try {
            sendAll()
            ZModemOutcome.COMPLETED to null
        } catch (e: ZModemProblem.Cancelled) {
            ZModemOutcome.CANCELLED to e.message
        } catch (e: ZModemProblem.Ended) {
            ZModemOutcome.FAILED to e.message
        } catch (e: ZModemProblem) {
            abort()
            ZModemOutcome.FAILED to e.message
        } catch (e: IOException) {
            logger.warn { "ZModem download: ${e.message}" }
            abort()
            ZModemOutcome.FAILED to "could not read the file: ${e.message}"
        } finally {
            listener.cancel()
        }
        if (outcome != ZModemOutcome.COMPLETED) logger.info { "ZModem download ended: $outcome ($reason)" }
        ZModemResult(outcome, reason, results.toList())
    }

    private suspend fun listen() {
        val reader = ZModemFrameReader(ZModemInput(stream, Long.MAX_VALUE))
        try {
            while (true) {
                try {
                    replies.send(reader.readHeader())
                } catch (e: ZModemProblem.Recoverable) {
                    logger.debug { "ZModem download: ${e.message}" }
                }
            }
        } catch (e: ZModemProblem) {
            replies.close(e)
        }
    }

    /** The next reply, or null after [millis] of silence. */
    private suspend fun reply(millis: Long = timeoutMillis): ZModemHeader? = withTimeoutOrNull(millis) { replies.receive() }

    private suspend fun sendAll() {
        out.clear()
        out.raw("rz\r")
        out.hexHeader(ZModemHeader.flags(FrameType.ZRQINIT, 0))
        writeOut()
        val init = handshake()
        useCrc32 = init.zf0 and ZModemBytes.CANFC32 != 0
        out.escapeControl = escapeControl || init.zf0 and ZModemBytes.ESCCTL != 0
        var bytesLeft = files.sumOf { withContext(Dispatchers.IO) { Files.size(it) } }
        for ((index, path) in files.withIndex()) {
            val size = withContext(Dispatchers.IO) { Files.size(path) }
            sendFile(path, files.size - index, bytesLeft)
            bytesLeft -= size
        }
        repeat(RETRIES) {
            sendHex(ZModemHeader.position(FrameType.ZFIN, 0))
            while (true) {
                val h = reply() ?: break
                if (h.type == FrameType.ZFIN) {
                    out.clear(); out.raw("OO"); writeOut()
                    return
                }
            }
        }
        throw ZModemProblem.Timeout(timeoutMillis)
    }

    private suspend fun handshake(): ZModemHeader {
        val started = System.nanoTime()
        while (true) {
            val h = reply(minOf(timeoutMillis, HANDSHAKE_RETRY_MILLIS))
            when {
                h == null -> {
                    if ((System.nanoTime() - started) / 1_000_000 >= timeoutMillis) throw ZModemProblem.Timeout(timeoutMillis)
                    sendHex(ZModemHeader.flags(FrameType.ZRQINIT, 0))
                }
                h.type == FrameType.ZRINIT -> return h
                h.type == FrameType.ZCHALLENGE -> sendHex(ZModemHeader.position(FrameType.ZACK, h.position))
            }
        }
    }

    private suspend fun sendFile(path: Path, filesLeft: Int, bytesLeft: Long) {
        OutgoingFile.open(path).use { file ->
            val modified = withContext(Dispatchers.IO) { Files.getLastModifiedTime(path).toMillis() / 1000 }
            val name = path.fileName.toString()
            val info = FileInfo(name, file.size, modified).encode(DEFAULT_MODE, filesLeft, bytesLeft)
            var offers = 0
            var sendOffer = true
            var offeredAt = 0L
            while (true) {
                if (sendOffer) {
                    if (++offers > RETRIES) throw ZModemProblem.Recoverable("the receiver did not take the file $name")
                    offeredAt = System.nanoTime()
                    out.clear()
                    out.binaryHeader(ZModemHeader.flags(FrameType.ZFILE, ZModemBytes.ZCBIN), useCrc32)
                    out.subpacket(info, 0, info.size, ZModemBytes.ZCRCW, useCrc32)
                    writeOut()
                }
                sendOffer = true
                val h = reply() ?: continue
                when (h.type) {
                    FrameType.ZRPOS -> return streamFile(file, name, path, h.position)
                    FrameType.ZSKIP -> {
                        results += ZModemFile(name, path, file.size, 0, 0, ZModemFileStatus.SKIPPED, "the receiver skipped it")
                        return
                    }
                    FrameType.ZCRC -> {
                        sendHex(ZModemHeader.position(FrameType.ZCRC, file.crc32(h.position)))
                        sendOffer = false
                    }
                    FrameType.ZFERR, FrameType.ZABORT -> throw ZModemProblem.Recoverable("the receiver refused $name")
                    // A ZRINIT sent before our offer arrived (rz sends one unasked, and one more for each
                    // ZRQINIT) must not bring a second offer: that would be answered by a second ZRPOS.
                    FrameType.ZRINIT -> sendOffer = System.nanoTime() - offeredAt > REOFFER_NANOS
                    FrameType.ZNAK -> Unit
                    else -> sendOffer = false
                }
            }
        }
    }

    private suspend fun streamFile(file: OutgoingFile, name: String, path: Path, from: Long) {
        var position = from.coerceIn(0, file.size)
        val resumedFrom = position
        var eofs = 0
        restart@ while (true) {
            out.clear()
            out.binaryHeader(ZModemHeader.position(FrameType.ZDATA, position), useCrc32)
            while (true) {
                val polled = replies.tryReceive()
                polled.exceptionOrNull()?.let { throw it }
                val h = polled.getOrNull()
                if (h != null) {
                    when (h.type) {
                        FrameType.ZRPOS -> {
                            // End the frame with an empty ZCRCE subpacket: a receiver still in step (the
                            // ZRPOS was an old one) then reads the new header instead of a broken subpacket;
                            // one hunting for a header skips these bytes as garbage.
                            out.subpacket(chunk, 0, 0, ZModemBytes.ZCRCE, useCrc32)
                            writeOut()
                            position = h.position.coerceIn(0, file.size)
                            continue@restart
                        }
                        FrameType.ZSKIP -> {
                            writeOut()
                            results += ZModemFile(name, path, file.size, resumedFrom, position - resumedFrom,
                                ZModemFileStatus.SKIPPED, "the receiver skipped it")
                            return
                        }
                        FrameType.ZFERR, FrameType.ZABORT -> throw ZModemProblem.Recoverable("the receiver stopped $name")
                    }
                    continue
                }
                val n = file.read(position, chunk, chunk.size)
                val last = position + n >= file.size
                out.subpacket(chunk, 0, n, if (last) ZModemBytes.ZCRCE else ZModemBytes.ZCRCG, useCrc32)
                position += n
                if (last) break
                if (out.size >= WRITE_BATCH) {
                    stream.write(out.buffer, 0, out.size)
                    out.clear()
                }
            }
            out.binaryHeader(ZModemHeader.position(FrameType.ZEOF, file.size), useCrc32)
            writeOut()
            while (true) {
                val h = reply()
                if (h == null) {
                    if (++eofs > RETRIES) throw ZModemProblem.Timeout(timeoutMillis)
                    position = file.size
                    continue@restart
                }
                when (h.type) {
                    FrameType.ZRINIT -> {
                        results += ZModemFile(name, path, file.size, resumedFrom, file.size - resumedFrom, ZModemFileStatus.COMPLETE, null)
                        return
                    }
                    FrameType.ZSKIP -> {
                        results += ZModemFile(name, path, file.size, resumedFrom, file.size - resumedFrom,
                            ZModemFileStatus.SKIPPED, "the receiver skipped it")
                        return
                    }
                    FrameType.ZRPOS -> {
                        position = h.position.coerceIn(0, file.size)
                        continue@restart
                    }
                    FrameType.ZFERR, FrameType.ZABORT -> throw ZModemProblem.Recoverable("the receiver stopped $name")
                }
            }
        }
    }

    private suspend fun sendHex(header: ZModemHeader) {
        out.clear()
        out.hexHeader(header)
        writeOut()
    }

    private suspend fun writeOut() {
        stream.write(out.buffer, 0, out.size)
        stream.flush()
        out.clear()
    }

    private suspend fun abort() = ZModemAbort.send(stream, "download")

    private companion object {
        const val SUBPACKET = 1024
        const val WRITE_BATCH = 32 * 1024
        const val REPLY_CAPACITY = 64
        const val RETRIES = 5
        const val HANDSHAKE_RETRY_MILLIS = 5_000L
        const val REOFFER_NANOS = 2_000_000_000L
        const val DEFAULT_MODE = 0b110_100_100 // 0644
    }
}
