package dev.telnetkit.screens

import io.pebbletemplates.pebble.PebbleEngine
import io.pebbletemplates.pebble.loader.ClasspathLoader
import io.pebbletemplates.pebble.loader.DelegatingLoader
import io.pebbletemplates.pebble.loader.FileLoader
import io.pebbletemplates.pebble.loader.Loader
import io.pebbletemplates.pebble.loader.MemoryLoader
import java.io.StringWriter
import java.nio.file.Path

/**
 * Renders screen templates with Pebble: auto-escaping off (the output is ANSI text, not HTML),
 * strict variables (a misspelt variable is an error naming file and line, not an empty string),
 * templates compiled once and cached by Pebble, and the output of one render capped at
 * [MAX_RENDERED_CHARS] so a runaway loop cannot fill the heap. Inline templates from the DSL or the
 * builder are served from memory under the name `NAME (inline)`; the others come from the app's
 * template folder or the classpath.
 */
internal class TemplateRenderer(folder: Path?, classpathPrefix: String?, inline: Map<String, String>) {
    private val memory = MemoryLoader().apply { inline.forEach { (name, text) -> addTemplate(name, text) } }

    private val engine: PebbleEngine = PebbleEngine.Builder()
        .loader(DelegatingLoader(listOf(memory, filesLoader(folder, classpathPrefix))))
        .autoEscaping(false)
        .strictVariables(true)
        .cacheActive(true)
        .newLineTrimming(false) // a screen is drawn as written: the line break after a macro stays
        .maxRenderedSize(MAX_RENDERED_CHARS)
        .extension(ScreenMacros)
        .build()

    /** Renders [template] with [state] for the macros and [variables] for the template; Pebble errors propagate. */
    fun render(template: String, state: RenderState, variables: Map<String, Any?>): RenderedScreen {
        val compiled = engine.getTemplate(template)
        val style = state.style
        val context = HashMap<String, Any?>()
        context["bold"] = style.sgr(1)
        context["dim"] = style.sgr(2)
        context["underline"] = style.sgr(4)
        context["reverse"] = style.sgr(7)
        context["reset"] = style.reset
        context["width"] = state.context.session.width
        context["height"] = state.context.session.height
        context["user"] = state.context.session.username ?: ""
        context["screen"] = state.context.screen
        context["values"] = state.context.values
        context.putAll(variables)
        context[RenderState.VARIABLE] = state
        val out = StringWriter()
        compiled.evaluate(out, context)
        return RenderedScreen.of(out.toString(), state.placed)
    }

    companion object {
        const val MAX_RENDERED_CHARS = 256 * 1024

        fun inlineName(screen: String): String = "$screen (inline)"

        private fun filesLoader(folder: Path?, classpathPrefix: String?): Loader<*> =
            if (folder != null) {
                FileLoader(folder.toAbsolutePath().toString())
            } else {
                ClasspathLoader(TemplateRenderer::class.java.classLoader).apply {
                    prefix = classpathPrefix?.trim('/')?.ifEmpty { null }
                }
            }
    }
}
