package dev.telnetkit.screens

import dev.telnetkit.session.ResizeListener
import dev.telnetkit.session.Session
import dev.telnetkit.terminal.Key
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.selects.select
import kotlin.time.Duration

/** What a screen waits for: a key, a resize of the terminal, or the end of the input. */
internal sealed class KeyEvent {
    data class Pressed(val key: Key) : KeyEvent()
    data object Resized : KeyEvent()
    data object Ended : KeyEvent()
}

/**
 * Keys and resizes of one session, as one stream of [KeyEvent]s: waiting for input races the next
 * resize, and a resize cancels only the wait (`Session.awaitInput` consumes nothing, so no key can be
 * lost, as it could be by cancelling a `readKey` that had just taken one). Resizes are conflated:
 * several while drawing are one redraw.
 */
internal class KeyEvents(private val session: Session) : AutoCloseable {
    private val resizes = Channel<Unit>(Channel.CONFLATED)
    private val listener = ResizeListener { resizes.trySend(Unit) }

    init {
        session.addResizeListener(listener)
    }

    /** Forgets resizes seen so far (the screen is about to be drawn at the current size). */
    fun drained() {
        while (resizes.tryReceive().isSuccess) Unit
    }

    /** True when the terminal was resized since the last [drained] (and forgets it). */
    fun resizedSinceDrawn(): Boolean = resizes.tryReceive().isSuccess

    suspend fun next(): KeyEvent {
        val inputWaiting = coroutineScope {
            val ready = async { session.awaitInput(Duration.INFINITE) }
            select {
                ready.onAwait { true }
                resizes.onReceive {
                    ready.cancel()
                    false
                }
            }
        }
        if (!inputWaiting) return KeyEvent.Resized
        return session.readKey()?.let { KeyEvent.Pressed(it) } ?: KeyEvent.Ended
    }

    override fun close() {
        session.removeResizeListener(listener)
    }
}
