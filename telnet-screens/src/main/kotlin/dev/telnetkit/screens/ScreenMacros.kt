package dev.telnetkit.screens

import io.pebbletemplates.pebble.error.PebbleException
import io.pebbletemplates.pebble.extension.AbstractExtension
import io.pebbletemplates.pebble.extension.Function
import io.pebbletemplates.pebble.template.EvaluationContext
import io.pebbletemplates.pebble.template.PebbleTemplate

/**
 * The screens' macro language, as Pebble functions: ANSI (`fg`, `bg`, `clear`, `at`, `box`,
 * `center`, `rule`; the variables `bold`, `underline`, `reverse`, `dim`, `reset` are set per
 * render), input fields (`field`) and values from code (`value`). Every one reads the render's
 * [RenderState], so the same compiled template serves every session with its own terminal.
 */
internal object ScreenMacros : AbstractExtension() {
    override fun getFunctions(): Map<String, Function> = mapOf(
        "fg" to macro("color") { state, args, _, _ -> state.style.color(args.string("color")) },
        "bg" to macro("color") { state, args, _, _ -> state.style.color(args.string("color"), background = true) },
        "clear" to macro { state, _, _, _ -> state.style.clear() },
        "at" to macro("row", "col") { state, args, _, _ -> state.style.moveTo(args.int("row"), args.int("col")) },
        "center" to macro("text") { state, args, _, _ -> TextLayout.center(args.string("text"), state.context.session.width) },
        "rule" to macro("char") { state, args, _, _ -> TextLayout.rule(args.optional("char") ?: "-", state.context.session.width) },
        "box" to macro("text", "title") { state, args, _, _ ->
            state.style.box(args.string("text"), args.optional("title") ?: "", state.context.session.width)
        },
        "value" to macro("name") { state, args, template, line -> value(state, args.string("name"), template, line) },
        "field" to macro("name", "max", "mask", "prompt") { state, args, template, line -> field(state, args, template, line) },
    )

    private fun value(state: RenderState, name: String, template: PebbleTemplate, line: Int): String {
        val function = state.values[name]
            ?: throw PebbleException(null, "no value function named '$name' (declare it with value(\"$name\") { })", line, template.name)
        val result = try {
            function.value(state.context.session)
        } catch (e: InterruptedException) {
            throw e
        } catch (e: Exception) {
            throw PebbleException(e, "value '$name' failed: ${e.message ?: e.javaClass.simpleName}", line, template.name)
        }
        return result?.toString() ?: ""
    }

    private fun field(state: RenderState, args: Map<String, Any?>, template: PebbleTemplate, line: Int): String {
        val name = args.string("name")
        val declared = state.declaredFields.firstOrNull { it.name == name }
            ?: throw PebbleException(null, "field '$name' is not declared in screen '${state.context.screen}'", line, template.name)
        val mask = args.optional("mask")?.let {
            if (it.length != 1) throw PebbleException(null, "field '$name': mask must be one character", line, template.name)
            it[0]
        }
        val max = args["max"]?.let {
            (it as? Number)?.toInt()?.takeIf { n -> n >= 1 }
                ?: throw PebbleException(null, "field '$name': max must be a positive number", line, template.name)
        }
        return state.place(declared.placedWith(FieldMacro(name, args.optional("prompt"), max, mask)))
    }

    private fun interface MacroBody {
        fun render(state: RenderState, args: Map<String, Any?>, template: PebbleTemplate, line: Int): String
    }

    private fun macro(vararg names: String, body: MacroBody): Function = object : Function {
        override fun getArgumentNames(): List<String> = names.toList()

        override fun execute(args: Map<String, Any?>, self: PebbleTemplate, context: EvaluationContext, lineNumber: Int): Any {
            val state = context.getVariable(RenderState.VARIABLE) as? RenderState
                ?: throw PebbleException(null, "screen macros work only in screens", lineNumber, self.name)
            try {
                return body.render(state, args, self, lineNumber)
            } catch (e: IllegalArgumentException) {
                throw PebbleException(e, e.message ?: "bad macro argument", lineNumber, self.name)
            }
        }
    }

    private fun Map<String, Any?>.string(name: String): String =
        this[name]?.toString() ?: throw IllegalArgumentException("missing argument '$name'")

    private fun Map<String, Any?>.optional(name: String): String? = this[name]?.toString()

    private fun Map<String, Any?>.int(name: String): Int = when (val value = this[name]) {
        is Number -> value.toInt()
        null -> throw IllegalArgumentException("missing argument '$name'")
        else -> value.toString().toIntOrNull() ?: throw IllegalArgumentException("'$name' must be a number, not '$value'")
    }
}
