package dev.telnetkit.shell

import dev.telnetkit.session.runBlockingCode


/**
 * What a command does. Kotlin handlers suspend; they are cancelled when the user presses Ctrl-C
 * (or sends Telnet IP/BRK) and when the session ends. Throw [CommandException] for an error the
 * user should read; anything else is logged with its stack trace and shown as one short line.
 */
public fun interface CommandHandler {
    /** Runs the command for [call]. */
    public suspend fun run(call: CommandCall)

    public companion object {
        /**
         * A handler for code that blocks (JDBC, file I/O, `Thread.sleep`): it runs on a thread meant
         * for blocking work, never on a socket thread, and Ctrl-C interrupts that thread.
         */
        @JvmStatic
        public fun blocking(handler: BlockingCommandHandler): CommandHandler = CommandHandler { call ->
            runBlockingCode { handler.run(call) }
        }
    }
}

/**
 * A command handler that may block, for Java callers and blocking libraries. Ctrl-C interrupts the
 * thread it runs on (`InterruptedException` from `Thread.sleep`, `wait`, interruptible I/O).
 */
public fun interface BlockingCommandHandler {
    /** Runs the command for [call], blocking as long as it needs. */
    @Throws(Exception::class)
    public fun run(call: CommandCall)
}

/** An error meant for the user: the shell prints its message with `writeError`, no stack trace. */
public class CommandException(message: String) : Exception(message)
