package dev.telnetkit.accounts

import dev.telnetkit.dsl.TelnetServerScope

/**
 * Logs users in with their accounts in [accounts], and lets new users register by typing `new`
 * at `Username:`; see [Accounts.loginSettings].
 *
 * ```kotlin
 * telnetServer {
 *     login(Accounts.sqlite(Path.of("bbs.sqlite")))
 * }
 * ```
 */
public fun TelnetServerScope.login(accounts: Accounts) {
    login(accounts.loginSettings())
}
