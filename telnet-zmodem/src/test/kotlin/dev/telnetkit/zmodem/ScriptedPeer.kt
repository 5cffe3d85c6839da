package dev.telnetkit.zmodem

import dev.telnetkit.zmodem.protocol.FileInfo
import dev.telnetkit.zmodem.protocol.FrameType
import dev.telnetkit.zmodem.protocol.ZModemBytes
import dev.telnetkit.zmodem.protocol.ZModemFrameReader
import dev.telnetkit.zmodem.protocol.ZModemHeader
import dev.telnetkit.zmodem.protocol.ZModemInput
import dev.telnetkit.zmodem.protocol.ZdleEncoder

/** A ZModem sender written line by line in a test, to send what a real one never would. */
internal class ScriptedPeer(private val stream: ChannelStream) {
    private val reader = ZModemFrameReader(ZModemInput(stream, 10_000))
    private val out = ZdleEncoder()

    suspend fun send(build: ZdleEncoder.() -> Unit) {
        out.clear()
        out.build()
        stream.write(out.buffer, 0, out.size)
    }

    /** Waits for a header of [type], skipping others. */
    suspend fun expect(type: Int): ZModemHeader {
        while (true) {
            val h = reader.readHeader()
            if (h.type == type) return h
        }
    }

    /** ZRQINIT, then waits for ZRINIT. */
    suspend fun start(): ZModemHeader {
        send { raw("rz\r"); hexHeader(ZModemHeader.flags(FrameType.ZRQINIT, 0)) }
        return expect(FrameType.ZRINIT)
    }

    /** Offers a file; the receiver's answer (ZRPOS or ZSKIP). */
    suspend fun offer(name: String, size: Long): ZModemHeader {
        val info = FileInfo("", size, null).encode(0b110_100_100, 1, size).let { name.toByteArray() + it }
        send {
            binaryHeader(ZModemHeader.flags(FrameType.ZFILE, ZModemBytes.ZCBIN), true)
            subpacket(info, 0, info.size, ZModemBytes.ZCRCW, true)
        }
        while (true) {
            val h = reader.readHeader()
            if (h.type == FrameType.ZRPOS || h.type == FrameType.ZSKIP) return h
        }
    }

    /** Sends [data] from [position] as one frame, and ZEOF. */
    suspend fun data(position: Long, data: ByteArray) {
        send {
            binaryHeader(ZModemHeader.position(FrameType.ZDATA, position), true)
            subpacket(data, 0, data.size, ZModemBytes.ZCRCE, true)
            binaryHeader(ZModemHeader.position(FrameType.ZEOF, position + data.size), true)
        }
    }

    /** ZFIN, waits for ours, and `OO`. */
    suspend fun finish() {
        send { hexHeader(ZModemHeader.position(FrameType.ZFIN, 0)) }
        expect(FrameType.ZFIN)
        send { raw("OO") }
    }
}
