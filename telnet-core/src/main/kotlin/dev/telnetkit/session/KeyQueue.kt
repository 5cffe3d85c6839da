package dev.telnetkit.session

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.terminal.Key
import dev.telnetkit.terminal.KeySink

/**
 * The keys decoded but not yet read (type-ahead), first in, first out; also the sink the key
 * decoder fills. Small for the many sessions idle at a prompt: the queue's storage is lent by the
 * thread that adds the first key and given back once the last key is read, so an empty queue holds
 * none and a busy one makes none. One reader and one writer at a time (the session's reader).
 */
@OptIn(EngineApi::class)
internal class KeyQueue : KeySink {
    private var keys: ArrayDeque<Key>? = null
    // The most keys waited at once since the storage was taken: storage grown for a long paste is not kept.
    private var peak = 0

    fun isEmpty(): Boolean = keys == null

    fun isNotEmpty(): Boolean = keys != null

    fun addLast(key: Key) {
        val queue = keys ?: take().also { keys = it }
        queue.addLast(key)
        if (queue.size > peak) peak = queue.size
    }

    override fun onKey(key: Key) {
        addLast(key)
    }

    fun removeFirstOrNull(): Key? {
        val queue = keys ?: return null
        val key = queue.removeFirst()
        if (queue.isEmpty()) {
            keys = null
            if (peak <= MAX_KEPT) give(queue)
            peak = 0
        }
        return key
    }

    private companion object {
        // Queues larger than this (a long paste) are not kept for the next.
        const val MAX_KEPT = 1024
        val spares = ThreadLocal<ArrayDeque<Key>?>()

        fun take(): ArrayDeque<Key> {
            val queue = spares.get() ?: return ArrayDeque()
            spares.set(null)
            return queue
        }

        fun give(queue: ArrayDeque<Key>) {
            if (spares.get() == null) spares.set(queue)
        }
    }
}
