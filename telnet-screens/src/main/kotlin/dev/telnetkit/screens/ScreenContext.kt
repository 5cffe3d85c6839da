package dev.telnetkit.screens

import dev.telnetkit.session.Session

/**
 * What a screen's handlers get: the [session], the [screen] being shown and the field [values]
 * read on it so far (field name to what the user typed; masked fields too, so never log them).
 */
public class ScreenContext internal constructor(
    /** The session the screen app runs in. */
    public val session: Session,
    /** The name of the screen being shown. */
    public val screen: String,
) {
    internal val fieldValues: MutableMap<String, String> = LinkedHashMap()

    /** The field values read on this screen so far, in the order they were read. */
    public val values: Map<String, String> get() = fieldValues.toMap()
}
