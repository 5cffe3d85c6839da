package dev.telnetkit.screens

import dev.telnetkit.session.Session
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/**
 * A hot key's (or Enter's, Escape's, the on-show hook's) handler for Java: it may block (it runs on
 * [Dispatchers.IO], interrupted when the session ends) and uses the session's blocking forms.
 *
 * ```java
 * Screen.builder("main").hotKey('c', context -> Navigation.go("chat"))
 * ```
 */
public fun interface ScreenAction {
    /** Runs the action; returns where to go next. */
    @Throws(Exception::class)
    public fun run(context: ScreenContext): Navigation
}

/** What happens with a field's value once it passed validation (Java; may block like [ScreenAction]). */
public fun interface FieldHandler {
    /** Takes the field's [value]; returns where to go next ([Navigation.KeepReading] for the next field). */
    @Throws(Exception::class)
    public fun accept(context: ScreenContext, value: String): Navigation
}

/** What happens once every field of a screen was read (Java; may block like [ScreenAction]). */
public fun interface SubmitHandler {
    /** Takes the fields' [values] by name; returns where to go next. */
    @Throws(Exception::class)
    public fun submit(context: ScreenContext, values: Map<String, String>): Navigation
}

/** Checks a field's value: returns the message to show, or null when the value is fine. Keep it quick. */
public fun interface FieldValidator {
    /** The problem with [value], or null. */
    public fun validate(value: String): String?
}

/**
 * A value for templates' `{{ value("name") }}` macro, computed for [session] at each render. It
 * runs where blocking is allowed (rendering runs on [Dispatchers.IO]), so it may query a database.
 */
public fun interface ValueFunction {
    /** The value to show (its `toString()` is written; null writes nothing). */
    @Throws(Exception::class)
    public fun value(session: Session): Any?
}

/** The Pebble variables of one render of a screen (may block; runs on [Dispatchers.IO]). */
public fun interface ScreenModel {
    /** Variables by name, visible in the screen's template as `{{ name }}`. */
    @Throws(Exception::class)
    public fun variables(context: ScreenContext): Map<String, Any?>
}

/** A screen body computed in code instead of a template (may block; runs on [Dispatchers.IO]). */
public fun interface ScreenRenderer {
    /** The text to show; `\n` goes out as CR LF. */
    @Throws(Exception::class)
    public fun render(context: ScreenContext): String
}

/** The items of a paged list, shown page by page (may block; runs on [Dispatchers.IO]). */
public fun interface ListItems {
    /** The items, one line each, in the order shown. */
    @Throws(Exception::class)
    public fun items(context: ScreenContext): List<String>
}

// The handlers the navigator runs: suspend functions, so the Kotlin DSL's suspend lambdas run in the
// session's coroutine, and Java's blocking handlers are wrapped to run off the event loop.
internal fun interface Action {
    suspend fun run(context: ScreenContext): Navigation
}

internal fun interface ValueAction {
    suspend fun accept(context: ScreenContext, value: String): Navigation
}

internal fun interface Submit {
    suspend fun submit(context: ScreenContext, values: Map<String, String>): Navigation
}

internal fun ScreenAction.suspending(): Action = Action { context -> runInterruptible(Dispatchers.IO) { run(context) } }

internal fun FieldHandler.suspending(): ValueAction =
    ValueAction { context, value -> runInterruptible(Dispatchers.IO) { accept(context, value) } }

internal fun SubmitHandler.suspending(): Submit =
    Submit { context, values -> runInterruptible(Dispatchers.IO) { submit(context, values) } }
