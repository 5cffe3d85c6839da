package dev.telnetkit.accounts

import dev.telnetkit.session.Session
import dev.telnetkit.shell.Registration

/**
 * The sign-up dialogue at the login prompt: a user name, a password typed twice with echo off,
 * and a nickname (Enter keeps the user name). Each question is asked again after a wrong answer,
 * at most [TRIES] times; an empty name gives up. The passwords never leave this function except
 * to the store, which keeps only their hash.
 */
internal class AccountRegistration(private val accounts: Accounts) : Registration {
    override suspend fun register(session: Session): String? {
        session.writeLine("Registering a new account. Press Enter at the name to give up.")
        val name = askName(session) ?: return null
        val password = askPassword(session) ?: return null
        repeat(TRIES) {
            val typed = session.readLine("Nickname [$name]: ", history = false) ?: return null
            val nickname = typed.trim().ifEmpty { name }
            when (val result = accounts.register(name, password, nickname)) {
                is AccountResult.Success -> {
                    session.attributes[ACCOUNT_ATTRIBUTE] = result.account
                    session.writeLine("Welcome, ${result.account.nickname}! Your account ${result.account.name} is ready.")
                    return result.account.name
                }
                // Taken between the question and now: someone else registered it meanwhile.
                AccountResult.NameTaken -> {
                    session.writeLine("${result.message} Somebody registered it a moment ago.")
                    return null
                }
                else -> session.writeLine(result.message)
            }
        }
        return null
    }

    /** A free, valid name, or null when the user gave up. */
    private suspend fun askName(session: Session): String? {
        repeat(TRIES) {
            val name = (session.readLine("New user name: ", history = false) ?: return null).trim()
            if (name.isEmpty()) return null
            val problem = accounts.nameProblem(name)
            if (problem == null) return name
            session.writeLine(problem)
        }
        return null
    }

    /** A valid password typed the same twice, or null. */
    private suspend fun askPassword(session: Session): String? {
        repeat(TRIES) {
            val first = session.readLine("Password: ", echo = false, history = false) ?: return null
            val second = session.readLine("Password again: ", echo = false, history = false) ?: return null
            when {
                first != second -> session.writeLine("The passwords differ.")
                else -> accounts.passwordProblem(first)?.let { session.writeLine(it) } ?: return first
            }
        }
        return null
    }

    private companion object {
        const val TRIES = 3
    }
}
