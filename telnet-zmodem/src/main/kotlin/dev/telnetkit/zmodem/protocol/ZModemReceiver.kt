package dev.telnetkit.zmodem.protocol

import dev.telnetkit.zmodem.ZModemFile
import dev.telnetkit.zmodem.ZModemFileStatus
import dev.telnetkit.zmodem.ZModemOutcome
import dev.telnetkit.zmodem.ZModemReceiveSettings
import dev.telnetkit.zmodem.ZModemResult
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException

private val logger = KotlinLogging.logger {}

/**
 * The receiving side of ZModem over a [ZModemStream]: offers ZRINIT, takes ZFILE offers (skipping
 * what the limits refuse), asks for data with ZRPOS (from a partial file's length when resuming),
 * checks every subpacket and asks again from the last good position after a bad one, and ends on
 * ZFIN with the `OO` exchange. Every wait has the settings' timeout; five CAN from the sender cancel.
 */
internal class ZModemReceiver(
    private val stream: ZModemStream,
    private val settings: ZModemReceiveSettings,
    private val escapeControl: Boolean = false,
) {
    private val input = ZModemInput(stream, settings.timeoutMillis)
    private val reader = ZModemFrameReader(input)
    private val out = ZdleEncoder(escapeControl)
    private val data = ByteArray(MAX_SUBPACKET)
    private val files = mutableListOf<ZModemFile>()
    private var accepted = 0
    private var errors = 0
    private var current: Current? = null

    private class Current(val file: IncomingFile, val name: String, val info: FileInfo)

    suspend fun run(): ZModemResult {
        val (outcome, reason) = try {
            receiveAll()
            ZModemOutcome.COMPLETED to null
        } catch (e: ZModemProblem.Cancelled) {
            drain()
            ZModemOutcome.CANCELLED to e.message
        } catch (e: ZModemProblem.Ended) {
            ZModemOutcome.FAILED to e.message
        } catch (e: ZModemProblem) {
            abort()
            drain()
            ZModemOutcome.FAILED to e.message
        } catch (e: IOException) {
            logger.warn { "ZModem upload: ${e.message}" }
            abort()
            drain()
            ZModemOutcome.FAILED to "could not store the file: ${e.message}"
        } finally {
            withContext(NonCancellable) { closeCurrent() }
        }
        if (outcome != ZModemOutcome.COMPLETED) logger.info { "ZModem upload ended: $outcome ($reason)" }
        return ZModemResult(outcome, reason, files.toList())
    }

    private suspend fun receiveAll() {
        val started = System.nanoTime()
        sendZrinit()
        while (true) {
            input.timeoutMillis = minOf(settings.timeoutMillis, HANDSHAKE_RETRY_MILLIS)
            val header = try {
                reader.readHeader()
            } catch (e: ZModemProblem.Timeout) {
                if ((System.nanoTime() - started) / 1_000_000 >= settings.timeoutMillis) {
                    throw ZModemProblem.Timeout(settings.timeoutMillis)
                }
                sendZrinit()
                continue
            } catch (e: ZModemProblem.Recoverable) {
                error(e)
                sendZrinit()
                continue
            } finally {
                input.timeoutMillis = settings.timeoutMillis
            }
            when (header.type) {
                FrameType.ZRQINIT -> sendZrinit()
                FrameType.ZSINIT -> {
                    readSubpacketOrNull(header)
                    sendHex(ZModemHeader.position(FrameType.ZACK, 0))
                }
                FrameType.ZFILE -> {
                    receiveFile(header)
                    sendZrinit()
                }
                FrameType.ZFIN -> {
                    sendHex(ZModemHeader.position(FrameType.ZFIN, 0))
                    takeOverAndOut()
                    return
                }
                FrameType.ZDATA, FrameType.ZEOF -> Unit // the rest of a skipped file: wait for the next offer
                else -> sendZrinit()
            }
        }
    }

    private suspend fun receiveFile(header: ZModemHeader) {
        if (readSubpacketOrNull(header) == null) return
        val info = FileInfo.parse(data, reader.lastLength)
        val name = UploadNames.sanitize(info.name)
        when {
            accepted >= settings.maxFiles -> return skip(info, name, null, "over the limit of ${settings.maxFiles} files")
            name == null -> return skip(info, null, null, "the name is not usable")
            info.size != null && info.size > settings.maxFileSize ->
                return skip(info, name, null, "larger than the limit of ${settings.maxFileSize} bytes")
        }
        val placement = UploadNames.place(settings.folder, name, info.size, settings.allowResume)
        if (placement.complete) return skip(info, name, placement.path, "already complete")
        accepted++
        val file = IncomingFile.open(placement.path, placement.offset)
        current = Current(file, placement.path.fileName.toString(), info)
        logger.debug { "ZModem upload: ${placement.path.fileName} (${info.size} bytes) from ${placement.offset}" }
        receiveData(file)
        file.close(info.modifiedSeconds)
        current = null
        files += ZModemFile(
            placement.path.fileName.toString(), placement.path, info.size, file.startOffset,
            file.position - file.startOffset, ZModemFileStatus.COMPLETE, null,
        )
    }

    private suspend fun skip(info: FileInfo, name: String?, path: java.nio.file.Path?, why: String) {
        logger.info { "ZModem upload: skipped ${name ?: "a file with an unusable name"}: $why" }
        files += ZModemFile(name ?: "", path, info.size, 0, 0, ZModemFileStatus.SKIPPED, why)
        sendHex(ZModemHeader.position(FrameType.ZSKIP, 0))
    }

    private suspend fun receiveData(file: IncomingFile) {
        sendRpos(file)
        var strays = 0
        while (true) {
            val header = try {
                reader.readHeader()
            } catch (e: ZModemProblem.Recoverable) {
                error(e)
                sendRpos(file)
                continue
            }
            when (header.type) {
                FrameType.ZDATA -> if (header.position == file.position) {
                    strays = 0
                    receiveFrame(file, header)
                } else {
                    if (++strays > MAX_STRAYS) throw ZModemProblem.Recoverable("the sender keeps sending data at the wrong position")
                    sendRpos(file)
                }
                FrameType.ZEOF -> if (header.position == file.position) return
                FrameType.ZFILE -> {
                    readSubpacketOrNull(header)
                    sendRpos(file)
                }
                FrameType.ZFIN -> throw ZModemProblem.Recoverable("the sender finished in the middle of a file")
                else -> {
                    error(ZModemProblem.Recoverable("unexpected ${FrameType.name(header.type)}"))
                    sendRpos(file)
                }
            }
        }
    }

    private suspend fun receiveFrame(file: IncomingFile, header: ZModemHeader) {
        val useCrc32 = header.encoding == HeaderEncoding.BIN32
        while (true) {
            val end = try {
                reader.readSubpacket(data, useCrc32)
            } catch (e: ZModemProblem.Recoverable) {
                error(e)
                sendRpos(file)
                return
            }
            val length = reader.lastLength
            if (file.position + length > settings.maxFileSize) {
                current = null
                file.discard()
                files += ZModemFile(file.path.fileName.toString(), file.path, null, file.startOffset, 0,
                    ZModemFileStatus.INCOMPLETE, "grew past the limit of ${settings.maxFileSize} bytes")
                throw ZModemProblem.Recoverable("a file grew past the limit of ${settings.maxFileSize} bytes")
            }
            file.write(data, length)
            errors = 0
            when (end) {
                ZModemBytes.ZCRCW -> {
                    sendHex(ZModemHeader.position(FrameType.ZACK, file.position)); return
                }
                ZModemBytes.ZCRCQ -> sendHex(ZModemHeader.position(FrameType.ZACK, file.position))
                ZModemBytes.ZCRCE -> return
            }
        }
    }

    private suspend fun readSubpacketOrNull(header: ZModemHeader): Int? = try {
        reader.readSubpacket(data, header.encoding == HeaderEncoding.BIN32)
    } catch (e: ZModemProblem.Recoverable) {
        error(e)
        sendHex(ZModemHeader.position(FrameType.ZNAK, 0))
        null
    }

    private fun error(e: ZModemProblem.Recoverable) {
        logger.debug { "ZModem upload: ${e.message}" }
        if (++errors > settings.maxErrors) throw ZModemProblem.Recoverable("too many errors in a row (last: ${e.message})")
    }

    /** After our ZFIN the sender says `OO`; read it briefly so it does not reach the shell. */
    private suspend fun takeOverAndOut() {
        withTimeoutOrNull(OVER_AND_OUT_MILLIS) {
            try {
                input.byte(); input.byte()
            } catch (_: ZModemProblem) {
                // gone or silent: nothing more to take
            }
        }
    }

    private suspend fun sendZrinit() {
        val flags = ZModemBytes.CANFDX or ZModemBytes.CANOVIO or (if (settings.crc32) ZModemBytes.CANFC32 else 0) or
            (if (escapeControl) ZModemBytes.ESCCTL else 0)
        sendHex(ZModemHeader.flags(FrameType.ZRINIT, flags))
    }

    private suspend fun sendRpos(file: IncomingFile) = sendHex(ZModemHeader.position(FrameType.ZRPOS, file.position))

    private suspend fun sendHex(header: ZModemHeader) {
        out.clear()
        out.hexHeader(header)
        stream.write(out.buffer, 0, out.size)
        stream.flush()
    }

    private suspend fun abort() = ZModemAbort.send(stream, "upload")

    private suspend fun drain() {
        try {
            input.drain(DRAIN_QUIET_MILLIS, DRAIN_MAX_MILLIS)
        } catch (e: Exception) {
            if (e is kotlinx.coroutines.CancellationException) throw e
        }
    }

    private suspend fun closeCurrent() {
        val c = current ?: return
        current = null
        try {
            c.file.close(null)
        } catch (e: IOException) {
            logger.warn { "ZModem upload: could not close ${c.file.path}: ${e.message}" }
        }
        files += ZModemFile(c.name, c.file.path, c.info.size, c.file.startOffset, c.file.position - c.file.startOffset,
            ZModemFileStatus.INCOMPLETE, "the transfer stopped at byte ${c.file.position}")
    }

    private companion object {
        const val MAX_SUBPACKET = 8192
        const val HANDSHAKE_RETRY_MILLIS = 5_000L
        const val OVER_AND_OUT_MILLIS = 1_000L
        const val MAX_STRAYS = 100
        const val DRAIN_QUIET_MILLIS = 500L
        const val DRAIN_MAX_MILLIS = 5_000L
    }
}
