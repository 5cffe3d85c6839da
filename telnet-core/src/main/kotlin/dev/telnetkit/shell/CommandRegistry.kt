package dev.telnetkit.shell

import java.util.Locale

/**
 * The commands of a shell, looked up by name or alias without regard to case, with the built-in
 * `help`/`?` and `bye`/`exit`/`quit` names reserved. Two commands claiming one name is an error
 * when the registry is built.
 */
internal class CommandRegistry(commands: List<Command>) {
    /** The commands, in the order given. */
    val commands: List<Command> = commands.toList()

    private val byName: Map<String, Command>

    init {
        checkUnique(commands, "the shell")
        for (command in commands) {
            for (n in command.names) {
                require(key(n) !in BUILT_IN) { "command '${command.name}': '$n' is a built-in command name" }
            }
        }
        byName = commands.flatMap { c -> c.names.map { key(it) to c } }.toMap()
    }

    /** The command called [name] (or with it as an alias), or null. */
    fun find(name: String): Command? = byName[key(name)]

    /** The subcommand of [group] called [name], or null. */
    fun findIn(group: Command, name: String): Command? =
        group.subcommands.firstOrNull { c -> c.names.any { key(it) == key(name) } }

    /** Visible names (with aliases and built-ins) starting with [prefix], for completion. */
    fun completeName(prefix: String, within: Command? = null): List<String> {
        val pool = within?.subcommands ?: commands
        val names = pool.filter { !it.hidden }.flatMap { it.names } + if (within == null) BUILT_IN_NAMES else emptyList()
        return names.filter { it.startsWith(prefix, ignoreCase = true) }.distinct().sorted()
    }

    /**
     * The visible name closest to [typed] (at most two edits away, one for words of up to three
     * letters, and fewer edits than [typed] has letters), for "Did you mean".
     */
    fun suggest(typed: String, within: Command? = null): String? {
        val pool = (within?.subcommands ?: commands).filter { !it.hidden }.flatMap { it.names } +
            if (within == null) BUILT_IN_NAMES else emptyList()
        val t = key(typed)
        val limit = if (t.length <= 3) 1 else 2
        // Closer than the typed word's length: the suggestion keeps something of what was typed
        // (otherwise a one-letter typo would always "mean" the one-letter built-in `?`).
        return pool.map { it to editDistance(t, key(it)) }.filter { it.second <= limit && it.second < t.length }
            .minByOrNull { it.second }?.first
    }

    companion object {
        internal val BUILT_IN_NAMES = listOf("help", "?", "bye", "exit", "quit")
        private val BUILT_IN = BUILT_IN_NAMES.toSet()

        internal fun key(name: String) = name.lowercase(Locale.ROOT)

        internal fun checkUnique(commands: List<Command>, where: String) {
            val seen = HashMap<String, String>()
            for (c in commands) for (n in c.names) {
                val previous = seen.put(key(n), c.name)
                require(previous == null) {
                    if (previous == c.name) "$where: command '${c.name}' lists the name '$n' twice"
                    else "$where: commands '$previous' and '${c.name}' both claim the name '$n'"
                }
            }
        }

        /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
        internal fun editDistance(a: String, b: String): Int {
            if (a == b) return 0
            val d = Array(a.length + 1) { IntArray(b.length + 1) }
            for (i in 0..a.length) d[i][0] = i
            for (j in 0..b.length) d[0][j] = j
            for (i in 1..a.length) for (j in 1..b.length) {
                val cost = if (a[i - 1] == b[j - 1]) 0 else 1
                d[i][j] = minOf(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = minOf(d[i][j], d[i - 2][j - 2] + 1)
            }
            return d[a.length][b.length]
        }
    }
}
