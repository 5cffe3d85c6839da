package dev.telnetkit.screens

/**
 * What the template macros of one render need and leave behind: the terminal's [style], the
 * screen's declared fields, the app's value functions, and the fields the template placed (each
 * written into the output as a marker, split out again by [RenderedScreen.of]).
 */
internal class RenderState(
    val context: ScreenContext,
    val style: TerminalStyle,
    val declaredFields: List<ScreenField>,
    val values: Map<String, ValueFunction>,
) {
    val placed = ArrayList<ScreenField>()

    fun place(field: ScreenField): String {
        placed.add(field)
        return "$MARKER_START${placed.size - 1}$MARKER_END"
    }

    companion object {
        // Private-use characters: templates written for terminals do not contain them.
        const val MARKER_START = '\uE000'
        const val MARKER_END = '\uE001'
        const val VARIABLE = "__telnetkit_screen"
    }
}

/** A rendered screen: text to write, with the fields to read where their macros stood. */
internal class RenderedScreen(val parts: List<Part>) {
    sealed class Part {
        data class Text(val text: String) : Part()
        data class Field(val field: ScreenField) : Part()
    }

    companion object {
        private val MARKER = Regex("${RenderState.MARKER_START}(\\d+)${RenderState.MARKER_END}")

        fun of(output: String, placed: List<ScreenField>): RenderedScreen {
            val parts = ArrayList<Part>()
            var start = 0
            for (match in MARKER.findAll(output)) {
                if (match.range.first > start) parts.add(Part.Text(output.substring(start, match.range.first)))
                parts.add(Part.Field(placed[match.groupValues[1].toInt()]))
                start = match.range.last + 1
            }
            if (start < output.length) parts.add(Part.Text(output.substring(start)))
            return RenderedScreen(parts)
        }
    }
}
