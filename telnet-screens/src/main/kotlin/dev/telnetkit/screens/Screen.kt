package dev.telnetkit.screens

import dev.telnetkit.terminal.Key

/**
 * One screen of a [Screens] app: a body (a Pebble template file, inline template text, or a
 * [ScreenRenderer]), hot keys for a single-key menu, input fields, an optional paged list and the
 * handlers deciding where the user goes next (a [Navigation]). Made with [Screen.builder] (Java)
 * or `screen("name") { }` in the `screens { }` DSL (Kotlin).
 *
 * ```java
 * Screen main = Screen.builder("main")
 *     .template("main.peb")
 *     .hotKey('c', context -> Navigation.go("chat"))
 *     .hotKey('g', context -> Navigation.exit())
 *     .build();
 * ```
 */
public class Screen internal constructor(
    /** The screen's name, used by [Navigation.Goto]. */
    public val name: String,
    internal val body: ScreenBody,
    internal val hotKeys: Map<Char, Action>,
    internal val enterKey: Action?,
    internal val escapeKey: Action?,
    /** The screen's fields, in the order declared. */
    public val fields: List<ScreenField>,
    internal val onShow: Action?,
    internal val onSubmit: Submit?,
    internal val model: ScreenModel?,
    internal val list: ListItems?,
    /** Whether the terminal is cleared before the screen is drawn (default true). */
    public val clearsScreen: Boolean,
) {
    internal val readsKeys: Boolean get() = hotKeys.isNotEmpty() || enterKey != null || escapeKey != null || list != null

    internal fun hotKey(key: Key): Action? = when (key) {
        is Key.Text -> hotKeys[hotKeyChar(key.codePoint)]
        Key.Enter -> enterKey
        Key.Escape -> escapeKey
        else -> null
    }

    /** Builds a [Screen] (Java; Kotlin has `screen("name") { }`). */
    public class Builder internal constructor(private val name: String) {
        private var body: ScreenBody = ScreenBody.Empty
        private val hotKeys = LinkedHashMap<Char, Action>()
        private var enterKey: Action? = null
        private var escapeKey: Action? = null
        private val fields = ArrayList<ScreenField>()
        private var onShow: Action? = null
        private var onSubmit: Submit? = null
        private var model: ScreenModel? = null
        private var list: ListItems? = null
        private var clearsScreen = true

        /** The body is the Pebble template [file], found in the app's template folder or on the classpath. */
        public fun template(file: String): Builder = body(ScreenBody.TemplateFile(file))

        /** The body is this inline Pebble [template] text. */
        public fun text(template: String): Builder = body(ScreenBody.InlineTemplate(template))

        /** The body is written by [renderer] (no template macros). */
        public fun renderer(renderer: ScreenRenderer): Builder = body(ScreenBody.Rendered(renderer))

        /** Pressing [key] (letters and digits case-insensitive) runs [action]. */
        public fun hotKey(key: Char, action: ScreenAction): Builder = hotKey(key, action.suspending())

        /** Pressing Enter runs [action]. */
        public fun onEnter(action: ScreenAction): Builder = apply { enterKey = action.suspending() }

        /** Pressing Escape runs [action]. */
        public fun onEscape(action: ScreenAction): Builder = apply { escapeKey = action.suspending() }

        /** Adds an input field. */
        public fun field(field: ScreenField): Builder = apply {
            require(fields.none { it.name == field.name }) { "screen '$name': field '${field.name}' is declared twice" }
            fields.add(field)
        }

        /** Adds an input field. */
        public fun field(field: ScreenField.Builder): Builder = field(field.build())

        /** Runs [action] each time before the screen is drawn; a [Navigation.Goto], Back, Root or Exit goes there instead. */
        public fun onShow(action: ScreenAction): Builder = apply { onShow = action.suspending() }

        /** Runs [handler] with every field's value once the last field was read. */
        public fun onSubmit(handler: SubmitHandler): Builder = apply { onSubmit = handler.suspending() }

        /** The template's variables at each render. */
        public fun model(model: ScreenModel): Builder = apply { this.model = model }

        /** Shows [items] below the body page by page (keys n/p, PageDown/PageUp; q or Escape goes back). */
        public fun list(items: ListItems): Builder = apply { list = items }

        /** Whether the terminal is cleared before the screen is drawn (default true). */
        public fun clearsScreen(clears: Boolean): Builder = apply { clearsScreen = clears }

        @JvmSynthetic
        internal fun body(body: ScreenBody): Builder = apply {
            check(this.body == ScreenBody.Empty) { "screen '$name': its body is given twice" }
            this.body = body
        }

        @JvmSynthetic
        internal fun hotKey(key: Char, action: Action): Builder = apply {
            require(key.isLetterOrDigit() || key.code in 0x21..0x7e) { "screen '$name': '$key' cannot be a hot key" }
            val normal = key.lowercaseChar()
            require(normal !in hotKeys) { "screen '$name': hot key '$key' is declared twice" }
            hotKeys[normal] = action
        }

        @JvmSynthetic
        internal fun onEnter(action: Action): Builder = apply { enterKey = action }

        @JvmSynthetic
        internal fun onEscape(action: Action): Builder = apply { escapeKey = action }

        @JvmSynthetic
        internal fun onShow(action: Action): Builder = apply { onShow = action }

        @JvmSynthetic
        internal fun onSubmit(handler: Submit): Builder = apply { onSubmit = handler }

        /** The screen. */
        public fun build(): Screen = Screen(
            name, body, hotKeys.toMap(), enterKey, escapeKey, fields.toList(), onShow, onSubmit, model, list, clearsScreen,
        )
    }

    public companion object {
        /** Starts a screen named [name]. */
        @JvmStatic
        public fun builder(name: String): Builder {
            require(name.isNotBlank()) { "a screen needs a name" }
            return Builder(name)
        }
    }
}

/** Hot keys match letters case-insensitively. */
internal fun hotKeyChar(codePoint: Int): Char? =
    if (codePoint > 0xffff) null else codePoint.toChar().lowercaseChar()

/** Where a screen's body comes from. */
internal sealed class ScreenBody {
    data object Empty : ScreenBody()
    data class TemplateFile(val file: String) : ScreenBody()
    data class InlineTemplate(val text: String) : ScreenBody()
    data class Rendered(val renderer: ScreenRenderer) : ScreenBody()
}
