package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.session.LogText
import dev.telnetkit.session.Session
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.util.Locale
import java.util.concurrent.ConcurrentHashMap

private val logger = KotlinLogging.logger {}

/**
 * Receives the GMCP messages a client sends, other than those [Gmcp] answers itself (`Core.Hello`,
 * `Core.Supports.*`, `Core.Ping`). Called on the session's event loop: it must be quick and must
 * not block. What it throws is logged and the session goes on.
 */
public fun interface GmcpListener {
    /** The client sent [packageName] (as it spelled it) with [data], or with no data (null). */
    public fun onMessage(session: Session, packageName: String, data: JsonElement?)
}

/**
 * GMCP (Generic MUD Communication Protocol, Telnet option 201) for one session: JSON messages
 * named by package (`Char.Vitals {"hp": 90}`), both ways. The server offers it at connect
 * (`WILL GMCP`); it is active once the client agrees (`DO GMCP`).
 *
 * It records the client's `Core.Hello` ([clientName], [clientVersion]), keeps the modules of
 * `Core.Supports.Set`/`Add`/`Remove` ([supports]) and answers `Core.Ping`; every other message goes
 * to the [GmcpListener]. A message that is not UTF-8, has no package name or has invalid JSON is
 * ignored (logged at debug level); one longer than the factory's `maxMessageBytes` is dropped whole.
 *
 * Get it with `session.gmcp` (Kotlin) or `MudSessions.getGmcp(session)` (Java):
 * ```java
 * Gmcp gmcp = MudSessions.getGmcp(session);
 * if (gmcp != null) gmcp.sendJson("Char.Vitals", "{\"hp\": 90}");
 * ```
 */
public class Gmcp internal constructor(
    private val session: Session,
    private val listener: GmcpListener?,
    private val maxMessageBytes: Int,
) : TelnetOptionHandler(TelnetOption.GMCP) {
    // Module name (lower case) to its version text, as the client's Core.Supports said.
    private val modules = ConcurrentHashMap<String, String>()
    @Volatile private var supportsSent = false
    @Volatile private var name: String? = null
    @Volatile private var version: String? = null

    override val local: OptionOffer get() = OptionOffer.AT_CONNECT
    override val maxSubnegotiation: Int get() = maxMessageBytes

    /** True while GMCP is enabled (the client said `DO GMCP`). */
    public val isActive: Boolean get() = context.isEnabled(OptionSide.LOCAL)

    /** The client's name from its `Core.Hello`, or null before one. */
    public val clientName: String? get() = name

    /** The client's version from its `Core.Hello`, or null before one. */
    public val clientVersion: String? get() = version

    /**
     * True if the client's `Core.Supports` named [packageName]'s module or a prefix of it
     * (case-insensitive): `Char.Vitals` is supported when `Char` or `Char.Vitals` is.
     */
    public fun supports(packageName: String): Boolean {
        var name = packageName.lowercase(Locale.ROOT)
        while (true) {
            if (modules.containsKey(name)) return true
            val dot = name.lastIndexOf('.')
            if (dot <= 0) return false
            name = name.substring(0, dot)
        }
    }

    /**
     * Sends [packageName] with [data] (none when null). Sent only while [isActive], and, for
     * packages other than `Core.*`, only if the client has not sent `Core.Supports` or [supports]
     * the package. Returns whether it was sent. Any thread.
     *
     * @throws IllegalArgumentException if [packageName] is not a package name (empty, or with spaces).
     */
    @JvmOverloads
    public fun send(packageName: String, data: JsonElement? = null): Boolean {
        val bytes = GmcpCodec.encode(packageName, data)
        if (!isActive) return false
        if (supportsSent && !packageName.startsWith("core.", ignoreCase = true) && !supports(packageName)) return false
        return context.sendSubnegotiation(bytes)
    }

    /**
     * [send] with the data given as JSON text, checked first.
     *
     * @throws IllegalArgumentException if [json] is not JSON or [packageName] not a package name.
     */
    public fun sendJson(packageName: String, json: String): Boolean {
        val data = requireNotNull(GmcpCodec.parseJson(json)) { "not JSON for GMCP $packageName" }
        return send(packageName, data)
    }

    override fun onSubnegotiation(payload: ByteArray) {
        val message = when (val decoded = GmcpCodec.decode(payload)) {
            is GmcpCodec.Decoded.Invalid -> {
                logger.debug { "session ${session.id}: GMCP message ignored: ${decoded.reason}" }
                return
            }
            is GmcpCodec.Decoded.Message -> decoded.message
        }
        when (message.packageName.lowercase(Locale.ROOT)) {
            "core.hello" -> hello(message.data)
            "core.supports.set" -> supportsChange(message.data, clear = true, add = true)
            "core.supports.add" -> supportsChange(message.data, clear = false, add = true)
            "core.supports.remove" -> supportsChange(message.data, clear = false, add = false)
            "core.ping" -> context.sendSubnegotiation(GmcpCodec.encode("Core.Ping", null))
            else -> deliver(message)
        }
    }

    private fun deliver(message: GmcpMessage) {
        val target = listener ?: return
        try {
            target.onMessage(session, message.packageName, message.data)
        } catch (e: Exception) {
            logger.warn(LogText.safe(e)) { "session ${session.id}: the GMCP listener failed on ${message.packageName}" }
        }
    }

    private fun hello(data: JsonElement?) {
        val fields = data as? JsonObject ?: return
        name = text(fields["client"])
        version = text(fields["version"])
    }

    private fun text(element: JsonElement?): String? =
        (element as? JsonPrimitive)?.takeIf { it.isString }?.content?.take(MAX_TEXT)

    private fun supportsChange(data: JsonElement?, clear: Boolean, add: Boolean) {
        val entries = data as? JsonArray ?: run {
            logger.debug { "session ${session.id}: Core.Supports without an array ignored" }
            return
        }
        supportsSent = true
        if (clear) modules.clear()
        for (entry in entries) {
            val spec = text(entry)?.trim() ?: continue
            val space = spec.indexOf(' ')
            val module = (if (space < 0) spec else spec.substring(0, space)).lowercase(Locale.ROOT)
            if (module.isEmpty()) continue
            if (!add) {
                modules.remove(module)
            } else if (modules.containsKey(module) || modules.size < MAX_MODULES) {
                modules[module] = if (space < 0) "" else spec.substring(space + 1).trim()
            } else {
                logger.warn { "session ${session.id}: more than $MAX_MODULES GMCP modules; \"$module\" ignored" }
                return
            }
        }
    }

    /** Makes the handlers, one per session. */
    public companion object {
        /** The most `Core.Supports` modules kept per session. */
        public const val MAX_MODULES: Int = 256

        private const val MAX_TEXT = 256

        /**
         * The factory to register with the server (`telnetOption(Gmcp.factory(listener))`):
         * [listener] receives the client's messages; a message longer than [maxMessageBytes]
         * (16..16 MiB) is dropped whole.
         */
        @JvmStatic
        @JvmOverloads
        public fun factory(listener: GmcpListener? = null, maxMessageBytes: Int = 65536): TelnetOptionFactory {
            require(maxMessageBytes in 16..(1 shl 24)) { "maxMessageBytes must be in 16..16 MiB, was $maxMessageBytes" }
            return TelnetOptionFactory { session -> Gmcp(session, listener, maxMessageBytes) }
        }
    }
}
