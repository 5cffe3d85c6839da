package dev.telnetkit.screens

import dev.telnetkit.session.ResizeListener
import dev.telnetkit.session.Session
import dev.telnetkit.terminal.Key
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.selects.select

/** What a screen waits for: a key, a resize of the terminal, or the end of the input. */
internal sealed class KeyEvent {
    data class Pressed(val key: Key) : KeyEvent()
    data object Resized : KeyEvent()
    data object Ended : KeyEvent()
}

/**
 * Keys and resizes of one session, as one stream of [KeyEvent]s: a key read races the next resize,
 * and a resize cancels the key read (`Session.readKey` loses no key when cancelled). Resizes are
 * conflated: several while drawing are one redraw.
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

    suspend fun next(): KeyEvent = coroutineScope {
        val key = async { session.readKey() }
        select {
            key.onAwait { it?.let { pressed -> KeyEvent.Pressed(pressed) } ?: KeyEvent.Ended }
            resizes.onReceive {
                key.cancel()
                KeyEvent.Resized
            }
        }
    }

    override fun close() {
        session.removeResizeListener(listener)
    }
}
