package dev.telnetkit.ssh

import java.security.PublicKey

/**
 * Decides a password login over SSH. It may block (a directory or database lookup): it runs on a
 * thread where blocking is allowed, never on one of the SSH threads. Throwing counts as a refusal.
 */
public fun interface SshPasswordCheck {
    /** True to let [user] in with [password]. */
    public fun check(user: String, password: String): Boolean
}

/**
 * Decides whether [key][check] may log [user][check] in (the client then proves it holds the
 * private key). It is asked on an SSH thread, once or twice per key a client offers: keep it quick
 * (a lookup in memory); `SshSettings.authorizedKeys` covers the common case of a file.
 */
public fun interface SshPublicKeyCheck {
    /** True when [key] may log [user] in. */
    public fun check(user: String, key: PublicKey): Boolean
}

/**
 * Lets users in by name alone (SSH's `none` method), as some BBS and MUD servers do: there is no
 * secret, so it suits only servers where a name is all an account is. Asked on an SSH thread: keep
 * it quick.
 */
public fun interface SshUsernameCheck {
    /** True to let [user] in without any credential. */
    public fun check(user: String): Boolean
}

/**
 * Decides a keyboard-interactive login: the client showed the user `SshSettings`'
 * `keyboardInteractivePrompts` and sends back [answers], one per prompt, in order. It may block, as
 * [SshPasswordCheck] may. Throwing counts as a refusal.
 */
public fun interface SshKeyboardInteractiveCheck {
    /** True to let [user] in with these [answers]. */
    public fun check(user: String, answers: List<String>): Boolean
}

/**
 * One question of a keyboard-interactive login.
 * @property text what the user is asked, such as `Password: `.
 * @property echo whether the client shows what is typed (false for secrets).
 */
public class SshPrompt @JvmOverloads constructor(
    public val text: String,
    public val echo: Boolean = false,
) {
    init {
        require(text.isNotEmpty()) { "an SSH prompt must have text" }
    }

    override fun toString(): String = "SshPrompt($text, echo=$echo)"
}
