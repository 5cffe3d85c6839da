package dev.telnetkit.screens

/**
 * An input field of a screen: read with the line editor where the template's
 * `{{ field("name") }}` macro stands, or, when no macro places it, after the screen's body in the
 * order declared. A value the [validator] refuses is shown its message and asked again; one longer
 * than [maxLength] cannot be typed (the editor refuses the extra characters with a bell); with a
 * [mask] each typed character is shown as the mask (passwords), and no field enters the history.
 *
 * ```java
 * ScreenField.builder("password").prompt("Password: ").mask('*').maxLength(64)
 *     .validator(v -> v.length() < 8 ? "At least 8 characters." : null).build()
 * ```
 */
public class ScreenField internal constructor(
    /** The field's name: the key of its value, and the name its template macro uses. */
    public val name: String,
    /** What is written before the field is read. */
    public val prompt: String,
    /** The most characters the field takes. */
    public val maxLength: Int,
    /** The character shown for each one typed, or null to show what is typed. */
    public val mask: Char?,
    /** The text already in the field when it is read. */
    public val initial: String,
    /** Checks the value; null accepts everything. */
    public val validator: FieldValidator?,
    internal val handler: ValueAction?,
) {
    internal fun placedWith(macro: FieldMacro): ScreenField = ScreenField(
        name = name,
        prompt = macro.prompt ?: prompt,
        // The code's limits win where both are given: a template cannot unmask a password or raise a limit.
        maxLength = minOf(maxLength, macro.maxLength ?: Int.MAX_VALUE),
        mask = mask ?: macro.mask,
        initial = initial,
        validator = validator,
        handler = handler,
    )

    /** Builds a [ScreenField] (Java). */
    public class Builder internal constructor(private val name: String) {
        private var prompt = ""
        private var maxLength = Int.MAX_VALUE
        private var mask: Char? = null
        private var initial = ""
        private var validator: FieldValidator? = null
        private var handler: ValueAction? = null

        /** What is written before the field is read (default none). */
        public fun prompt(prompt: String): Builder = apply { this.prompt = prompt }

        /** The most characters the field takes (default no limit). */
        public fun maxLength(maxLength: Int): Builder = apply {
            require(maxLength >= 1) { "field '$name': maxLength must be at least 1, not $maxLength" }
            this.maxLength = maxLength
        }

        /** Shows each typed character as [mask] (for passwords). */
        public fun mask(mask: Char): Builder = apply { this.mask = mask }

        /** The text already in the field when it is read. */
        public fun initial(initial: String): Builder = apply { this.initial = initial }

        /** Checks each value: a message sends the user back to the field. */
        public fun validator(validator: FieldValidator): Builder = apply { this.validator = validator }

        /** What happens with the value (default: go on with the next field). */
        public fun handler(handler: FieldHandler): Builder = apply { this.handler = handler.suspending() }

        @JvmSynthetic
        internal fun handler(handler: ValueAction): Builder = apply { this.handler = handler }

        /** The field. */
        public fun build(): ScreenField = ScreenField(name, prompt, maxLength, mask, initial, validator, handler)
    }

    public companion object {
        /** Starts a field named [name]. */
        @JvmStatic
        public fun builder(name: String): Builder {
            require(name.isNotBlank()) { "a field needs a name" }
            return Builder(name)
        }
    }
}

/** What a template's `field(...)` macro says about a field: where it stands and, optionally, its look. */
internal class FieldMacro(val name: String, val prompt: String?, val maxLength: Int?, val mask: Char?)
