package dev.telnetkit.shell

import dev.telnetkit.terminal.Completer

/**
 * A command of the shell: its names, its help texts and what it does. Immutable; checked when
 * built, so a mistake names the command.
 *
 * A command with [subcommands] is a group (`user add NAME`, `user list`): the word after the
 * group's name picks the subcommand, and `help user` lists them. A group may also have a
 * [handler] of its own, run when no subcommand matches; without one, the group prints its help.
 *
 * @property name the name, matched without regard to case.
 * @property aliases other names for the same command.
 * @property usage the parameter synopsis shown in help, such as `<text to echo>`.
 * @property summary one line for the `help` list.
 * @property description the long text of `help NAME`; the summary is shown when it is empty.
 * @property hidden left out of `help` and of completion; `help NAME` still describes it.
 * @property completer completes the command's parameters on Tab.
 * @property handler what the command does.
 * @property subcommands the commands of a group.
 */
public class Command @JvmOverloads constructor(
    public val name: String,
    public val aliases: List<String> = emptyList(),
    public val usage: String = "",
    public val summary: String = "",
    public val description: String = "",
    public val hidden: Boolean = false,
    public val completer: Completer? = null,
    public val handler: CommandHandler? = null,
    public val subcommands: List<Command> = emptyList(),
) {
    init {
        require(isValidName(name)) { "command name '$name' must be one word of printable characters, without quotes or backslashes" }
        aliases.forEach { require(isValidName(it)) { "command '$name': alias '$it' must be one word of printable characters" } }
        require(handler != null || subcommands.isNotEmpty()) { "command '$name' needs a handler or subcommands" }
        require(summary.none { it == '\n' }) { "command '$name': the summary must be one line" }
        CommandRegistry.checkUnique(subcommands, "command '$name'")
    }

    /** The name and every alias. */
    public val names: List<String> get() = listOf(name) + aliases

    /** `name usage`, as help shows it. */
    public val synopsis: String get() = if (usage.isEmpty()) name else "$name $usage"

    override fun toString(): String = "Command($name)"

    private companion object {
        fun isValidName(s: String) = s.isNotEmpty() && s.all { it > ' ' && it != '\u007f' && it !in "\"'\\" }
    }
}
