package dev.telnetkit.session

/**
 * A task started with [Session.schedule] or [Session.scheduleAtFixedRate]. It ends with its session
 * (structured: no thread of it outlives the session) or when cancelled here, whichever comes first.
 */
public interface SessionTimer {
    /**
     * Stops the timer: a run not yet started never starts, and a run under way is interrupted (its
     * thread's interrupt flag is set, as the session's own blocking code is on Ctrl-C). Does nothing
     * once the timer is done. Safe from any thread, the task itself included.
     */
    public fun cancel()

    /** True once the timer was cancelled, by [cancel] or by the end of its session. */
    public val isCancelled: Boolean

    /**
     * True once the timer will run its task no more: a one-shot timer's task has run (or failed),
     * or the timer was cancelled and any run under way has finished.
     */
    public val isDone: Boolean
}
