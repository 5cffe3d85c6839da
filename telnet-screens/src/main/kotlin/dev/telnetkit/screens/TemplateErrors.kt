package dev.telnetkit.screens

import io.pebbletemplates.pebble.error.PebbleException

/** A template problem told in one line: the file, the line and what is wrong; never a stack trace. */
internal object TemplateErrors {
    fun describe(error: Throwable, screen: String): String {
        val pebble = generateSequence(error) { it.cause }.filterIsInstance<PebbleException>().toList()
        val located = pebble.firstOrNull { it.lineNumber != null } ?: pebble.firstOrNull()
            ?: return "Screen '$screen' could not be drawn (${error.javaClass.simpleName})."
        return buildString {
            append("Template error in ")
            append(located.fileName ?: TemplateRenderer.inlineName(screen))
            located.lineNumber?.let { append(" line ").append(it) }
            append(": ")
            append(located.pebbleMessage?.trim()?.removeSuffix(".") ?: "it could not be rendered")
            append('.')
        }
    }
}
