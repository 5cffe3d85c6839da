package dev.telnetkit.shell

/** The text of the built-in `help`, generated from the commands. */
internal object HelpText {
    private val builtIns = listOf(
        "help [command] - Show the commands, or describe one. (alias: ?)",
        "bye - End the session. (aliases: exit, quit)",
    )

    /** `help`: one visible command a line, `NAME <params> - summary (aliases: …)`, then the built-ins. */
    fun list(commands: List<Command>): List<String> = commands.filter { !it.hidden }.map { line(it, prefix = "") } + builtIns

    /** `help NAME…`: the synopsis, a blank line and the long description (the summary if there is none). */
    fun describe(path: List<Command>): List<String> {
        val command = path.last()
        val prefix = path.dropLast(1).joinToString("") { it.name + " " }
        val lines = ArrayList<String>()
        lines.add(prefix + synopsis(command))
        lines.add("")
        val text = command.description.ifEmpty { command.summary }
        if (text.isNotEmpty()) lines.addAll(text.lines())
        if (command.aliases.isNotEmpty()) {
            if (text.isNotEmpty()) lines.add("")
            lines.add(aliasText(command).removePrefix(" (").removeSuffix(")").replaceFirstChar { it.uppercase() })
        }
        val visible = command.subcommands.filter { !it.hidden }
        if (visible.isNotEmpty()) {
            lines.add("")
            lines.add("Commands:")
            visible.forEach { lines.add("  " + line(it, prefix + command.name + " ")) }
        }
        return lines
    }

    private fun line(command: Command, prefix: String): String {
        val summary = if (command.summary.isEmpty()) "" else " - ${command.summary}"
        return prefix + synopsis(command) + summary + aliasText(command)
    }

    private fun synopsis(command: Command): String = when {
        command.usage.isNotEmpty() -> command.synopsis
        command.subcommands.isNotEmpty() -> "${command.name} <command>"
        else -> command.name
    }

    private fun aliasText(command: Command): String = when (command.aliases.size) {
        0 -> ""
        1 -> " (alias: ${command.aliases[0]})"
        else -> " (aliases: ${command.aliases.joinToString(", ")})"
    }
}
