package dev.telnetkit.ansi

/** The DSL marker of the `ansi { }` builder: an inner block cannot reach an outer receiver by accident. */
@DslMarker
public annotation class AnsiDsl

/**
 * Builds [AnsiText] with nested styles, Kotlin only:
 *
 * ```kotlin
 * val text = ansi {
 *     bold { fg(AnsiColor.rgb(255, 128, 0)) { +"warning" } }
 *     +": disk nearly full"
 * }
 * session.writeLine(text.render(session.colorLevel))
 * ```
 */
@JvmSynthetic
public fun ansi(block: AnsiScope.() -> Unit): AnsiText {
    val builder = AnsiText.builder()
    AnsiScope(builder).block()
    return builder.build()
}

/** The receiver of `ansi { }`: text and nested styles. Each style block applies inside it only. */
@AnsiDsl
public class AnsiScope internal constructor(private val builder: AnsiText.Builder) {
    /** Appends this string in the enclosing style. */
    public operator fun String.unaryPlus() {
        builder.text(this)
    }

    /** Appends this text, keeping its own styles. */
    public operator fun AnsiText.unaryPlus() {
        builder.text(this)
    }

    /** [block] in bold. */
    @JvmSynthetic
    public fun bold(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(bold = true) }, block)

    /** [block] dim. */
    @JvmSynthetic
    public fun dim(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(dim = true) }, block)

    /** [block] in italics. */
    @JvmSynthetic
    public fun italic(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(italic = true) }, block)

    /** [block] underlined. */
    @JvmSynthetic
    public fun underline(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(underline = true) }, block)

    /** [block] blinking. */
    @JvmSynthetic
    public fun blink(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(blink = true) }, block)

    /** [block] in reverse video. */
    @JvmSynthetic
    public fun reverse(block: AnsiScope.() -> Unit): Unit = styled({ it.copy(reverse = true) }, block)

    /** [block] in text colour [color]. */
    @JvmSynthetic
    public fun fg(color: AnsiColor, block: AnsiScope.() -> Unit): Unit = styled({ it.copy(foreground = color) }, block)

    /** [block] on background colour [color]. */
    @JvmSynthetic
    public fun bg(color: AnsiColor, block: AnsiScope.() -> Unit): Unit = styled({ it.copy(background = color) }, block)

    private inline fun styled(change: (TextStyle) -> TextStyle, block: AnsiScope.() -> Unit) {
        val outer = builder.style
        builder.style = change(outer)
        try {
            block()
        } finally {
            builder.style = outer
        }
    }
}
