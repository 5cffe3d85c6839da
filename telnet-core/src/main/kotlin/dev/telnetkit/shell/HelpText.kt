package dev.telnetkit.shell

/** The text of the built-in `help`, generated from the commands. */
internal object HelpText {
    /** The built-ins: name, synopsis, summary, aliases. */
    private class BuiltIn(val synopsis: String, val summary: String, val aliases: List<String>) {
        val name: String get() = synopsis.substringBefore(' ')
        val line: String get() = "$synopsis - $summary" + aliasText(aliases)
    }

    private val builtIns = listOf(
        BuiltIn("help [command]", "Show the commands, or describe one.", listOf("?")),
        BuiltIn("bye", "End the session.", listOf("exit", "quit")),
    )

    /** `help`: one visible command a line, `NAME <params> - summary (aliases: …)`, then the built-ins. */
    fun list(commands: List<Command>): List<String> = commands.filter { !it.hidden }.map { line(it, prefix = "") } + builtIns.map { it.line }

    /**
     * `help NAME…`: the synopsis, a blank line and the long description (the summary if there is
     * none); for a group, then the list of its subcommands. Aliases are not repeated here: the
     * `help` list shows them.
     */
    fun describe(path: List<Command>): List<String> {
        val command = path.last()
        val prefix = path.dropLast(1).joinToString("") { it.name + " " }
        val lines = ArrayList<String>()
        lines.add(prefix + synopsis(command))
        lines.add("")
        val text = command.description.ifEmpty { command.summary }
        if (text.isNotEmpty()) lines.addAll(text.lines())
        val visible = command.subcommands.filter { !it.hidden }
        if (visible.isNotEmpty()) {
            lines.add("")
            lines.add("Commands:")
            visible.forEach { lines.add("  " + line(it, prefix + command.name + " ")) }
        }
        return lines
    }

    /** `help help`, `help bye` (or an alias of either) in the form of [describe]; null for other names. */
    fun describeBuiltIn(name: String): List<String>? {
        val key = CommandRegistry.key(name)
        val builtIn = builtIns.firstOrNull { it.name == key || key in it.aliases } ?: return null
        return listOf(builtIn.synopsis, "", builtIn.summary)
    }

    private fun line(command: Command, prefix: String): String {
        val summary = if (command.summary.isEmpty()) "" else " - ${command.summary}"
        return prefix + synopsis(command) + summary + aliasText(command.aliases)
    }

    private fun synopsis(command: Command): String = when {
        command.usage.isNotEmpty() -> command.synopsis
        command.subcommands.isNotEmpty() -> "${command.name} <command>"
        else -> command.name
    }

    private fun aliasText(aliases: List<String>): String = when (aliases.size) {
        0 -> ""
        1 -> " (alias: ${aliases[0]})"
        else -> " (aliases: ${aliases.joinToString(", ")})"
    }
}
