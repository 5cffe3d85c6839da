package dev.telnetkit.zmodem.protocol

/** The byte values and frame numbers of the ZModem protocol (Chuck Forsberg's document, 1988). */
internal object ZModemBytes {
    const val ZPAD: Int = '*'.code
    const val ZDLE: Int = 0x18
    const val CAN: Int = 0x18
    const val BS: Int = 0x08
    const val XON: Int = 0x11
    const val XOFF: Int = 0x13
    const val DLE: Int = 0x10
    const val CR: Int = 0x0d
    const val LF: Int = 0x0a

    /** Header formats, the byte after `ZPAD ZDLE`. */
    const val ZBIN: Int = 'A'.code
    const val ZHEX: Int = 'B'.code
    const val ZBIN32: Int = 'C'.code

    /** Subpacket ends, the byte after ZDLE. */
    const val ZCRCE: Int = 'h'.code
    const val ZCRCG: Int = 'i'.code
    const val ZCRCQ: Int = 'j'.code
    const val ZCRCW: Int = 'k'.code
    const val ZRUB0: Int = 'l'.code
    const val ZRUB1: Int = 'm'.code

    /** ZRINIT capability flags (ZF0). */
    const val CANFDX: Int = 0x01
    const val CANOVIO: Int = 0x02
    const val CANFC32: Int = 0x20
    const val ESCCTL: Int = 0x40

    /** ZFILE conversion option (ZF0): binary, and crash recovery (resume). */
    const val ZCBIN: Int = 1
    const val ZCRESUM: Int = 3
}

/** The frame types, numbered as in the protocol document. */
internal object FrameType {
    const val ZRQINIT: Int = 0
    const val ZRINIT: Int = 1
    const val ZSINIT: Int = 2
    const val ZACK: Int = 3
    const val ZFILE: Int = 4
    const val ZSKIP: Int = 5
    const val ZNAK: Int = 6
    const val ZABORT: Int = 7
    const val ZFIN: Int = 8
    const val ZRPOS: Int = 9
    const val ZDATA: Int = 10
    const val ZEOF: Int = 11
    const val ZFERR: Int = 12
    const val ZCRC: Int = 13
    const val ZCHALLENGE: Int = 14
    const val ZCOMPL: Int = 15
    const val ZCAN: Int = 16
    const val ZFREECNT: Int = 17
    const val ZCOMMAND: Int = 18
    const val ZSTDERR: Int = 19

    private val names = listOf(
        "ZRQINIT", "ZRINIT", "ZSINIT", "ZACK", "ZFILE", "ZSKIP", "ZNAK", "ZABORT", "ZFIN", "ZRPOS",
        "ZDATA", "ZEOF", "ZFERR", "ZCRC", "ZCHALLENGE", "ZCOMPL", "ZCAN", "ZFREECNT", "ZCOMMAND", "ZSTDERR",
    )

    /** The name of [type] for logs. */
    fun name(type: Int): String = names.getOrNull(type) ?: "frame $type"
}
