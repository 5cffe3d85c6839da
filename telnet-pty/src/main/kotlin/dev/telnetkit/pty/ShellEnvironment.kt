package dev.telnetkit.pty

import dev.telnetkit.session.TerminalSize

/**
 * The environment of the OS shell's program, built from scratch (nothing of the server's own
 * environment leaks in): pure, so the rules are tested without a process.
 */
internal object ShellEnvironment {
    const val DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /** Longest client-sent value passed on; longer ones are left out. */
    const val MAX_PASSED_VALUE = 4096

    /**
     * The variables for [settings] in a session whose terminal is [terminalType] of [size], running as
     * [account] (null: the server's user), with [clientVariables] as the client sent them.
     */
    fun of(
        settings: OsShellSettings,
        terminalType: String,
        size: TerminalSize,
        account: UserAccount?,
        clientVariables: Map<String, String>,
    ): Map<String, String> {
        val env = LinkedHashMap<String, String>()
        env["PATH"] = DEFAULT_PATH
        env["TERM"] = term(terminalType)
        env["COLUMNS"] = size.width.toString()
        env["LINES"] = size.height.toString()
        env["LANG"] = settings.lang
        if (account != null) {
            env["HOME"] = account.home
            env["USER"] = account.name
            env["LOGNAME"] = account.name
            env["SHELL"] = account.shell
        }
        for (name in settings.passEnvironment) {
            val value = clientVariables[name] ?: continue
            if (OsShellSettings.ENVIRONMENT_NAME.matches(name) && value.length <= MAX_PASSED_VALUE && '\u0000' !in value) {
                env[name] = value
            }
        }
        env.putAll(settings.environment)
        return env
    }

    /** The `TERM` for a session's terminal type: lower case; `dumb` when the client named none or a strange one. */
    fun term(terminalType: String): String {
        val t = terminalType.lowercase()
        return if (t.isEmpty() || t == "unknown" || t.length > 64 || !t.all { it.isLetterOrDigit() || it in "-_.+" }) "dumb" else t
    }
}
