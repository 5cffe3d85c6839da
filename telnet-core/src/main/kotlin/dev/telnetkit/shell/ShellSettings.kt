package dev.telnetkit.shell

import dev.telnetkit.session.ErrorFormatter


/**
 * Everything a [CommandShell] shows and does around the commands.
 *
 * @property commands the user's commands (built-ins `help`, `?`, `bye`, `exit`, `quit` are added).
 * @property prompt the prompt, computed per session each time it is shown.
 * @property continuationPrompt the prompt for a line continued by a backslash or an open quote.
 * @property welcome shown first, before the login; empty for none.
 * @property goodbye shown when the user leaves with `bye` or Ctrl-D; empty for none.
 * @property login the login prompts, or null for none.
 * @property onSessionStart runs after the welcome text and the login.
 * @property onSessionEnd runs exactly once for every session whose start hook ran, however it ended.
 * @property errorFormatter how `writeError` shows errors.
 * @property ansi false turns ANSI styles off for every session.
 * @property maxContinuationLines the most lines one command may span.
 */
public class ShellSettings @JvmOverloads constructor(
    public val commands: List<Command>,
    public val prompt: PromptProvider = PromptProvider { "> " },
    public val continuationPrompt: String = "... ",
    public val welcome: String = "",
    public val goodbye: String = "Goodbye.",
    public val login: LoginSettings? = null,
    public val onSessionStart: SessionHook? = null,
    public val onSessionEnd: SessionHook? = null,
    public val errorFormatter: ErrorFormatter = ErrorFormatter.PLAIN,
    public val ansi: Boolean = true,
    public val maxContinuationLines: Int = 64,
) {
    init {
        require(maxContinuationLines in 1..10_000) { "maxContinuationLines must be in 1..10000, was $maxContinuationLines" }
    }
}
