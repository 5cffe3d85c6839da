package dev.telnetkit.session

import java.util.concurrent.ConcurrentHashMap
import java.util.function.Supplier

/** A typed key for [SessionAttributes], compared by identity: keep one instance per attribute. */
public class AttributeKey<T : Any>(
    /** A name for logs and debugging. */
    public val name: String,
) {
    override fun toString(): String = "AttributeKey($name)"
}

/**
 * Per-session values a handler keeps between commands (a shopping cart, a selected device).
 * Thread-safe; gone with the session.
 */
public class SessionAttributes internal constructor() {
    // Created with the first value: most sessions keep none.
    @Volatile private var map: ConcurrentHashMap<AttributeKey<*>, Any>? = null

    private fun values(): ConcurrentHashMap<AttributeKey<*>, Any> =
        map ?: synchronized(this) { map ?: ConcurrentHashMap<AttributeKey<*>, Any>().also { map = it } }

    /** The value for [key], or null. */
    @Suppress("UNCHECKED_CAST")
    public operator fun <T : Any> get(key: AttributeKey<T>): T? = map?.get(key) as T?

    /** Sets the value for [key]. */
    public operator fun <T : Any> set(key: AttributeKey<T>, value: T) {
        values()[key] = value
    }

    /** Removes the value for [key]; returns it, or null. */
    @Suppress("UNCHECKED_CAST")
    public fun <T : Any> remove(key: AttributeKey<T>): T? = map?.remove(key) as T?

    /** The value for [key], created by [create] the first time. */
    @Suppress("UNCHECKED_CAST")
    public fun <T : Any> computeIfAbsent(key: AttributeKey<T>, create: Supplier<T>): T = values().computeIfAbsent(key) { create.get() } as T
}
