package dev.telnetkit.accounts

/**
 * The answer of a change to the store: [Success] with the account as it is now, or why not.
 * The messages are meant for the user's terminal: they never quote a password.
 */
public sealed class AccountResult {
    /** Whether the change was made. */
    public open val isSuccess: Boolean get() = false

    /** A line to show the user. */
    public abstract val message: String

    /** Done; [account] is the account after the change. */
    public class Success internal constructor(public val account: Account) : AccountResult() {
        override val isSuccess: Boolean get() = true
        override val message: String get() = "Done."
        override fun toString(): String = "Success($account)"
    }

    /** Another account has this name (ignoring case); of concurrent registrations, all but one get this. */
    public object NameTaken : AccountResult() {
        override val message: String get() = "That name is taken."
        override fun toString(): String = "NameTaken"
    }

    /** Another account has this nickname (ignoring case). */
    public object NicknameTaken : AccountResult() {
        override val message: String get() = "That nickname is taken."
        override fun toString(): String = "NicknameTaken"
    }

    /** No account has this name. */
    public object NotFound : AccountResult() {
        override val message: String get() = "No such account."
        override fun toString(): String = "NotFound"
    }

    /** A name, nickname or password that is not allowed; [message] says why. */
    public class Invalid internal constructor(override val message: String) : AccountResult() {
        override fun toString(): String = "Invalid($message)"
    }
}
