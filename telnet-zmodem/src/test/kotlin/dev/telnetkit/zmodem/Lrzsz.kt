package dev.telnetkit.zmodem

import dev.telnetkit.zmodem.protocol.ZModemReceiver
import dev.telnetkit.zmodem.protocol.ZModemSender
import kotlinx.coroutines.coroutineScope
import java.nio.file.Path

/** Runs lrzsz against our engines through pipes. */
internal object Lrzsz {
    /** Interop tests run when lrzsz is installed, and must run (and fail) when TELNETKIT_REQUIRE_INTEROP=1. */
    val enabled: Boolean = LrzszProcess.available || System.getenv("TELNETKIT_REQUIRE_INTEROP") == "1"

    /** `sz` sends [files] to our receiver; the result and sz's exit code. */
    suspend fun szToUs(files: List<Path>, settings: ZModemReceiveSettings, vararg szOptions: String): Pair<ZModemResult, Int> =
        coroutineScope {
            val sz = LrzszProcess(listOf("sz", "-q") + szOptions + files.map { it.toString() }, settings.folder, this)
            val result = ZModemReceiver(sz.stream, settings).run()
            result to sz.finish()
        }

    /** Our sender sends [files] to `rz` running in [folder]; the result and rz's exit code. */
    suspend fun usToRz(files: List<Path>, folder: Path, vararg rzOptions: String): Pair<ZModemResult, Int> = coroutineScope {
        val rz = LrzszProcess(listOf("rz", "-q") + rzOptions, folder, this)
        val result = ZModemSender(rz.stream, files, 20_000).run()
        result to rz.finish()
    }
}
