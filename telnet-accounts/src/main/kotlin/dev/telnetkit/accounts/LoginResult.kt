package dev.telnetkit.accounts

/**
 * The answer of [AccountStore.authenticate]. Only [Success] lets the user in; the three refusals
 * differ here (and in the log line) so a sysop tool can tell them apart, but a login prompt must
 * answer them all alike, as [AccountsLogin][Accounts.loginSettings] does.
 */
public sealed class LoginResult {
    /** The password matched and the account is not locked; [account] has its new last login. */
    public class Success internal constructor(public val account: Account) : LoginResult() {
        override fun toString(): String = "Success($account)"
    }

    /** No account has this name (a dummy hash was checked anyway, so this takes as long as the others). */
    public object UnknownUser : LoginResult() {
        override fun toString(): String = "UnknownUser"
    }

    /** The password did not match. */
    public object WrongPassword : LoginResult() {
        override fun toString(): String = "WrongPassword"
    }

    /** The password matched but the account is locked. */
    public object Locked : LoginResult() {
        override fun toString(): String = "Locked"
    }
}
