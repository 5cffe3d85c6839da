package dev.telnetkit.pty

import java.nio.file.Path

/**
 * Whether and how the OS shell's program starts, decided with no I/O from the server's user id,
 * the account named by `runAs` and `allowRoot`: the "never as root by default" rule in one place.
 */
internal sealed class LaunchPlan {
    /** Start [argv] (the command, behind the tool that switches user when one is needed). */
    data class Start(val argv: List<String>) : LaunchPlan()

    /** Do not start; [message] tells the user why (no details the user cannot act on). */
    data class Refuse(val message: String, val logReason: String) : LaunchPlan()

    companion object {
        /**
         * The plan for [command] in a server running as [serverUid], to run as [account] (null: no
         * runAs; [runAsName] is the name configured, for messages), switching user with [tool]
         * (`setpriv` or `runuser`, null if neither exists).
         */
        fun decide(
            command: List<String>,
            serverUid: Long,
            runAsName: String?,
            account: UserAccount?,
            allowRoot: Boolean,
            tool: Path?,
        ): LaunchPlan {
            val refused = "The OS shell is not available."
            if (runAsName == null) {
                return if (serverUid == 0L && !allowRoot) {
                    Refuse(refused, "the server runs as root and neither runAs nor allowRoot is set")
                } else {
                    Start(command)
                }
            }
            if (account == null) return Refuse(refused, "runAs user '$runAsName' does not exist")
            if (account.uid == 0L && !allowRoot) return Refuse(refused, "runAs user '$runAsName' is root and allowRoot is not set")
            if (account.uid == serverUid) return Start(command)
            if (serverUid != 0L) {
                return Refuse(refused, "runAs user '$runAsName' needs the server to run as root (it runs as uid $serverUid)")
            }
            tool ?: return Refuse(refused, "neither setpriv nor runuser is installed to switch to user '$runAsName'")
            val switch = when (tool.fileName.toString()) {
                // setpriv execs the program itself: it stays the PTY's session leader and gets SIGHUP.
                "setpriv" -> listOf(tool.toString(), "--reuid=${account.uid}", "--regid=${account.gid}", "--init-groups", "--")
                else -> listOf(tool.toString(), "-u", account.name, "--")
            }
            return Start(switch + command)
        }
    }
}
