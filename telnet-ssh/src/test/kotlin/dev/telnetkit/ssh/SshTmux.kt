package dev.telnetkit.ssh

import dev.telnetkit.testkit.TmuxTerminal

/**
 * The real OpenSSH client in a tmux pane: `ssh -tt` (a PTY however it is started), logging in
 * with [password] through sshpass, or, without one, typing at ssh's own prompts by hand.
 */
internal suspend fun OpenSsh.inTmux(
    user: String,
    password: String? = null,
    width: Int = 80,
    height: Int = 24,
    extra: List<String> = emptyList(),
): TmuxTerminal {
    val auth = listOf(
        "-tt",
        "-o", "PreferredAuthentications=password,keyboard-interactive",
        "-o", "PubkeyAuthentication=no",
        "-o", "NumberOfPasswordPrompts=1",
    )
    val command = (if (password != null) listOf("sshpass", "-p", password) else emptyList()) + command(user, auth + extra)
    return TmuxTerminal.start(command, width, height)
}

/** The screen's rows, trailing blanks dropped (as capture-pane shows them). */
internal fun rowsOf(screen: String): List<String> = screen.removeSuffix("\n").split('\n')
