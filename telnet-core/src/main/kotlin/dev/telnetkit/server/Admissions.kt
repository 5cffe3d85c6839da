package dev.telnetkit.server

import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger

/**
 * The server's connection slots, counted in two kinds as OpenSSH separates `MaxStartups` from its
 * session limits: a connection still opening (TLS handshake, Telnet negotiation) holds a startup
 * slot, and only once its session is about to run does it take a session slot instead. Churn —
 * connections that open and close, or never finish negotiating — then uses up startup slots and
 * never the slots of the sessions people are working in; and a connection whose client has gone
 * gives its startup slot back as soon as that is seen ([Admission.release]), not when its coroutine
 * gets round to ending.
 *
 * Thread-safe: accepts come from the acceptor thread, ends from every event loop.
 */
internal class Admissions(private val settings: ServerSettings) {
    private val startups = AtomicInteger()
    private val sessions = AtomicInteger()
    private val startupsPerAddress = ConcurrentHashMap<String, Int>()
    private val sessionsPerAddress = ConcurrentHashMap<String, Int>()

    /** Why a connection was not admitted. */
    enum class Refusal(val logText: String) {
        SESSIONS("sessions open"),
        SESSIONS_PER_ADDRESS("sessions open from that address"),
        STARTUPS("connections still opening"),
        /** Not a limit: the connection's slot was already given back (its client left while it opened). */
        GONE("client gone"),
        STARTUPS_PER_ADDRESS("connections still opening from that address"),
    }

    /** Connections still opening, all addresses together. */
    val openingCount: Int get() = startups.get()

    /** Sessions running, all addresses together. */
    val sessionCount: Int get() = sessions.get()

    /**
     * False while [ServerSettings.maxStartups] connections are opening: the listener then leaves
     * further connections waiting in the operating system's backlog instead of refusing them, so a
     * reconnect storm is served at the pace the server can take rather than turned away.
     */
    val acceptsMore: Boolean get() = startups.get() < settings.maxStartups

    /**
     * A connection from [host] was accepted: a startup slot for it, or the reason there is none.
     * A server whose session slots for [host] are all taken refuses at once rather than after the
     * negotiation.
     */
    fun admit(host: String): Result {
        // Transports that accept on their own (not the NIO listener, which waits instead) are refused here.
        if (startups.get() >= settings.maxStartups) return Result.Refused(Refusal.STARTUPS)
        if (sessions.get() >= settings.maxSessions) return Result.Refused(Refusal.SESSIONS)
        if ((sessionsPerAddress[host] ?: 0) >= settings.maxSessionsPerAddress) return Result.Refused(Refusal.SESSIONS_PER_ADDRESS)
        val mine = startupsPerAddress.compute(host) { _, n -> (n ?: 0) + 1 }!!
        if (mine > settings.maxStartupsPerAddress) {
            decrement(startupsPerAddress, host)
            return Result.Refused(Refusal.STARTUPS_PER_ADDRESS)
        }
        startups.incrementAndGet()
        return Result.Admitted(Admission(host))
    }

    /** What [admit] decided. */
    sealed interface Result {
        /** A startup slot is held by [admission]. */
        class Admitted(val admission: Admission) : Result

        /** No slot: [reason]. */
        class Refused(val reason: Refusal) : Result
    }

    /** One connection's slot, from its accept to its end. */
    inner class Admission(private val host: String) {
        // OPENING, then RUNNING or ENDED; RUNNING, then ENDED. Each slot is given back exactly once.
        private val state = AtomicInteger(OPENING)

        /** True while the connection holds a startup slot. */
        val isOpening: Boolean get() = state.get() == OPENING

        /**
         * The session is about to run: its startup slot becomes a session slot. Null if it did,
         * otherwise why not (the session limits filled while it negotiated, or [Refusal.GONE]: it already ended);
         * then the startup slot has been given back.
         */
        fun establish(): Refusal? {
            if (!state.compareAndSet(OPENING, RUNNING)) return Refusal.GONE
            releaseStartup()
            if (sessions.incrementAndGet() > settings.maxSessions) {
                sessions.decrementAndGet()
                state.set(ENDED)
                return Refusal.SESSIONS
            }
            val mine = sessionsPerAddress.compute(host) { _, n -> (n ?: 0) + 1 }!!
            if (mine > settings.maxSessionsPerAddress) {
                sessions.decrementAndGet()
                decrement(sessionsPerAddress, host)
                state.set(ENDED)
                return Refusal.SESSIONS_PER_ADDRESS
            }
            return null
        }

        /** Gives back the startup slot if the connection still holds one (its client has gone). */
        fun releaseIfOpening() {
            if (state.compareAndSet(OPENING, ENDED)) releaseStartup()
        }

        /** Gives back whichever slot the connection holds; idempotent, any thread. */
        fun release() {
            when (state.getAndSet(ENDED)) {
                OPENING -> releaseStartup()
                RUNNING -> {
                    sessions.decrementAndGet()
                    decrement(sessionsPerAddress, host)
                }
            }
        }

        private fun releaseStartup() {
            startups.decrementAndGet()
            decrement(startupsPerAddress, host)
        }
    }

    private fun decrement(map: ConcurrentHashMap<String, Int>, host: String) {
        map.computeIfPresent(host) { _, n -> if (n <= 1) null else n - 1 }
    }

    private companion object {
        const val OPENING = 0
        const val RUNNING = 1
        const val ENDED = 2
    }
}
