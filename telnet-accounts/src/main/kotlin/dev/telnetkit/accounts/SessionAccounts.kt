@file:JvmName("SessionAccounts")

package dev.telnetkit.accounts

import dev.telnetkit.session.AttributeKey
import dev.telnetkit.session.Session

/**
 * Where the login of [Accounts] keeps the logged-in [Account] in `Session.attributes`: the account
 * as it was at login (read [AccountStore.find] for changes made since).
 */
@JvmField
public val ACCOUNT_ATTRIBUTE: AttributeKey<Account> = AttributeKey("telnetkit.account")

/** The account this session logged in with, or null (no login with [Accounts], or not yet). Java: `SessionAccounts.getAccount(session)`. */
public val Session.account: Account? get() = attributes[ACCOUNT_ATTRIBUTE]
