package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.session.LogText
import dev.telnetkit.session.Session
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import io.github.oshai.kotlinlogging.KotlinLogging

private val logger = KotlinLogging.logger {}

/**
 * Receives the variables a client sets over MSDP that are not commands (`CLIENT_NAME`,
 * `CLIENT_VERSION`, the application's own). Called on the session's event loop: it must be quick
 * and must not block. What it throws is logged and the session goes on.
 */
public fun interface MsdpListener {
    /** The client set [name] to [value]. */
    public fun onVariable(session: Session, name: String, value: MsdpValue)
}

/**
 * MSDP (MUD Server Data Protocol, Telnet option 69) for one session: named variables the server
 * keeps ([set]) and the client asks for. The server offers it at connect (`WILL MSDP`); it is active
 * once the client agrees (`DO MSDP`).
 *
 * The client's commands: `LIST` (`COMMANDS`, `LISTS`, `REPORTABLE_VARIABLES`, `REPORTED_VARIABLES`,
 * `SENDABLE_VARIABLES`, `CONFIGURABLE_VARIABLES`), `REPORT` (the value is sent at once if set,
 * and again on each [set]), `UNREPORT`, `SEND` and `RESET` (forgets every report). A variable may
 * be reported or sent if it is one of the factory's `reportable` names or has been [set]; a REPORT
 * of any other, one beyond `maxReported`, or one already reported changes nothing and sends nothing.
 * Other variables the client sets go to the [MsdpListener].
 *
 * A malformed message is ignored whole, with a warning in the log (the first ten of a session; then at debug level): a `VAL` without its `VAR`, a
 * `VAR` without a `VAL`, an unbalanced or stray table/array open or close, nesting deeper than 16,
 * or more than 8192 names and values. One longer than the factory's `maxMessageBytes` is dropped
 * whole by the core. A REPORT of a variable already reported sends nothing (SEND asks again).
 *
 * ```java
 * Msdp msdp = MudSessions.getMsdp(session);
 * if (msdp != null) msdp.set("HEALTH", MsdpValue.of(90));
 * ```
 */
public class Msdp internal constructor(
    private val session: Session,
    private val reportable: Set<String>,
    private val listener: MsdpListener?,
    private val maxReported: Int,
    private val maxMessageBytes: Int,
) : TelnetOptionHandler(TelnetOption.MSDP) {
    private val lock = Any()
    private val values = LinkedHashMap<String, MsdpValue>()
    private val reportedNames = LinkedHashSet<String>()
    private val codec = MsdpCodec()
    // Warnings logged so far: after MAX_WARNINGS a hostile client's flood goes to the debug level only.
    private var warnings = 0

    override val local: OptionOffer get() = OptionOffer.AT_CONNECT
    override val maxSubnegotiation: Int get() = maxMessageBytes

    /** True while MSDP is enabled (the client said `DO MSDP`). */
    public val isActive: Boolean get() = context.isEnabled(OptionSide.LOCAL)

    /** The variables the client asked to be reported, in the order it asked (a copy). */
    public val reported: Set<String> get() = synchronized(lock) { LinkedHashSet(reportedNames) }

    /**
     * Sets [name] to [value] for this session, and sends it at once if the client REPORTs it and
     * MSDP is active. Any thread.
     */
    public fun set(name: String, value: MsdpValue) {
        synchronized(lock) {
            values[name] = value
            if (name in reportedNames) sendNow(name, value)
        }
    }

    /** The value [name] was [set] to, or null. */
    public fun get(name: String): MsdpValue? = synchronized(lock) { values[name] }

    /**
     * Sends [name] with [value] now, whether reported or not (not stored). Returns whether it was
     * sent: false while MSDP is not active. Any thread.
     */
    public fun send(name: String, value: MsdpValue): Boolean = synchronized(lock) { sendNow(name, value) }

    private fun sendNow(name: String, value: MsdpValue): Boolean =
        isActive && context.sendSubnegotiation(MsdpCodec.encode(name, value))

    override fun onSubnegotiation(payload: ByteArray) {
        val pairs = when (val decoded = codec.decode(payload)) {
            is MsdpCodec.Decoded.Invalid -> {
                warn { "session ${session.id}: MSDP message ignored: ${decoded.reason}" }
                return
            }
            is MsdpCodec.Decoded.Pairs -> decoded.pairs
        }
        for ((name, value) in pairs) {
            when (name) {
                "LIST" -> names(value).forEach(::list)
                "REPORT" -> names(value).forEach(::report)
                "UNREPORT" -> synchronized(lock) { names(value).forEach { reportedNames.remove(it) } }
                "SEND" -> names(value).forEach { n -> synchronized(lock) { values[n]?.let { sendNow(n, it) } } }
                "RESET" -> synchronized(lock) { reportedNames.clear() }
                else -> deliver(name, value)
            }
        }
    }

    /** The names a command's value holds: text, or an array of texts. */
    private fun names(value: MsdpValue): List<String> = when (value) {
        is MsdpValue.Text -> listOf(value.text)
        is MsdpValue.Array -> value.items.mapNotNull { (it as? MsdpValue.Text)?.text }
        is MsdpValue.Table -> emptyList()
    }

    private fun report(name: String) {
        synchronized(lock) {
            if (name in reportedNames) return
            if (name !in reportable && name !in values) {
                logger.debug { "session ${session.id}: MSDP REPORT of unknown variable ignored" }
                return
            }
            if (reportedNames.size >= maxReported) {
                warn { "session ${session.id}: more than $maxReported MSDP variables reported; REPORT ignored" }
                return
            }
            reportedNames += name
            values[name]?.let { sendNow(name, it) }
        }
    }

    /** Logs [message] as a warning, or at debug level once this session has had [MAX_WARNINGS]. */
    private fun warn(message: () -> String) {
        if (warnings < MAX_WARNINGS) {
            warnings++
            logger.warn { message() + if (warnings == MAX_WARNINGS) " (further ones at debug level)" else "" }
        } else {
            logger.debug(message)
        }
    }

    private fun list(which: String) {
        val items: List<String> = when (which) {
            "COMMANDS" -> COMMANDS
            "LISTS" -> LISTS
            "REPORTABLE_VARIABLES", "SENDABLE_VARIABLES" -> synchronized(lock) { (reportable + values.keys).toList() }
            "REPORTED_VARIABLES" -> reported.toList()
            "CONFIGURABLE_VARIABLES" -> emptyList()
            else -> {
                logger.debug { "session ${session.id}: MSDP LIST of an unknown list ignored" }
                return
            }
        }
        sendNow(which, MsdpValue.Array(items.map(MsdpValue::Text)))
    }

    private fun deliver(name: String, value: MsdpValue) {
        val target = listener ?: return
        try {
            target.onVariable(session, name, value)
        } catch (e: Exception) {
            logger.warn(LogText.safe(e)) { "session ${session.id}: the MSDP listener failed" }
        }
    }

    /** Makes the handlers, one per session. */
    public companion object {
        private const val MAX_WARNINGS = 10
        private val COMMANDS = listOf("LIST", "REPORT", "RESET", "SEND", "UNREPORT")
        private val LISTS = listOf(
            "COMMANDS", "LISTS", "CONFIGURABLE_VARIABLES", "REPORTABLE_VARIABLES", "REPORTED_VARIABLES", "SENDABLE_VARIABLES",
        )

        /**
         * The factory to register with the server (`telnetOption(Msdp.factory(listOf("HEALTH")))`).
         *
         * @param reportable the variables a client may REPORT or SEND besides those [set] in its session.
         * @param listener receives the variables the client sets.
         * @param maxReported the most variables one client may have reported.
         * @param maxMessageBytes the longest MSDP message taken (16..16 MiB); a longer one is dropped whole.
         */
        @JvmStatic
        @JvmOverloads
        public fun factory(
            reportable: Collection<String> = emptyList(),
            listener: MsdpListener? = null,
            maxReported: Int = 256,
            maxMessageBytes: Int = 65536,
        ): TelnetOptionFactory {
            require(maxReported >= 0) { "maxReported must not be negative, was $maxReported" }
            require(maxMessageBytes in 16..(1 shl 24)) { "maxMessageBytes must be in 16..16 MiB, was $maxMessageBytes" }
            val names = LinkedHashSet(reportable)
            return TelnetOptionFactory { session -> Msdp(session, names, listener, maxReported, maxMessageBytes) }
        }
    }
}
