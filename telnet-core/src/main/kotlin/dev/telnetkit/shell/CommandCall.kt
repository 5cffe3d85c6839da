package dev.telnetkit.shell

import dev.telnetkit.session.Session


/**
 * One run of a command: who asked, with which words, and exactly what they typed.
 *
 * @property session the session the command runs in; write to it for output.
 * @property command the command being run (for a group, the subcommand).
 * @property name the name as the user typed it (an alias, in any case).
 * @property args the parameters after the command (and subcommand) name, quotes removed.
 * @property raw the raw input, all continued lines joined with `\n`.
 */
public class CommandCall internal constructor(
    public val session: Session,
    public val command: Command,
    public val name: String,
    public val args: List<String>,
    public val raw: String,
) {
    /** Writes [text] and a line break: the command's normal output. */
    @JvmSynthetic
    public suspend fun writeResponse(text: String): Unit = session.writeResponse(text)

    /** Writes [text] as an error line, formatted by the shell's error style. */
    @JvmSynthetic
    public suspend fun writeError(text: String): Unit = session.writeError(text)

    /** [writeResponse] for Java and blocking handlers. */
    @JvmName("writeResponse")
    public fun writeResponseBlocking(text: String): Unit = session.writeResponseBlocking(text)

    /** [writeError] for Java and blocking handlers. */
    @JvmName("writeError")
    public fun writeErrorBlocking(text: String): Unit = session.writeErrorBlocking(text)
}
